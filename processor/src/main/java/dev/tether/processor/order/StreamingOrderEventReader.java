package dev.tether.processor.order;

import dev.tether.lambda.InvalidMessageException;
import dev.tether.processor.order.JsonCursor.GiveUp;
import dev.tether.processor.order.OrderEvent.OrderLine;
import dev.tether.processor.order.OrderEvent.OrderUpserted;
import dev.tether.processor.order.OrderEvent.PaymentCaptured;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Reads a valid body in one pass with a {@link JsonCursor}, without building a tree: the batch handler's hot path,
 * several times cheaper than {@link OrderEventParser#parseTree}. It vouches only for what it fully checked: at the
 * first thing it does not expect (a violation, a null, a float, an escape, a duplicated or repeated name, an unknown
 * field holding an object or array, trailing content) it gives up and returns null, and the parser reads the body
 * again as a tree, which accepts or rejects it and names the field. So a body is accepted, with the same event, or
 * rejected, with the same error, whichever path reads it ({@code StreamingOrderEventReaderTest} checks both paths
 * agree).
 */
final class StreamingOrderEventReader {

    /** Field-name bits, to detect a repeated name without a set. */
    private static final int EVENT_ID = 1;

    private static final int TYPE = 1 << 1;
    private static final int OCCURRED_AT = 1 << 2;
    private static final int BODY_DATA = 1 << 3;
    private static final int ORDER_ID = 1 << 4;
    private static final int PAYMENT_ID = 1 << 5;
    private static final int CUSTOMER_ID = 1 << 6;
    private static final int STATUS = 1 << 7;
    private static final int CURRENCY = 1 << 8;
    private static final int TOTAL_CENTS = 1 << 9;
    private static final int VERSION = 1 << 10;
    private static final int AMOUNT_CENTS = 1 << 11;
    private static final int LINES = 1 << 12;
    private static final int SKU = 1 << 13;
    private static final int QUANTITY = 1 << 14;
    private static final int UNIT_PRICE_CENTS = 1 << 15;

    /** The names each object knows, matched in place. */
    private static final String[] BODY_NAMES = {"eventId", "type", "occurredAt", "data"};

    private static final String[] DATA_NAMES = {
        "orderId", "paymentId", "customerId", "status", "currency", "totalCents", "version", "amountCents", "lines"
    };
    private static final String[] LINE_NAMES = {"sku", "quantity", "unitPriceCents"};

    private final boolean eventIdRequired;

    StreamingOrderEventReader(boolean eventIdRequired) {
        this.eventIdRequired = eventIdRequired;
    }

    /** The event {@code body} holds, or null when the tree reader must decide. */
    OrderEvent read(String body) {
        if (body == null) {
            return null;
        }
        try {
            return read(new JsonCursor(body));
        } catch (GiveUp | InvalidMessageException | RuntimeException e) {
            // Not vouched for: the tree reader accepts or rejects it and names the field.
            return null;
        }
    }

    private OrderEvent read(JsonCursor json) throws GiveUp, InvalidMessageException {
        Names names = new Names();
        String eventId = null;
        String type = null;
        String occurredAt = null;
        Data data = null;
        json.expect('{');
        do {
            String name = json.name(BODY_NAMES);
            json.expect(':');
            switch (name) {
                case "eventId" -> eventId = text(json, names, EVENT_ID);
                case "type" -> type = text(json, names, TYPE);
                case "occurredAt" -> occurredAt = text(json, names, OCCURRED_AT);
                case "data" -> {
                    names.see(BODY_DATA);
                    data = data(json);
                }
                default -> names.unknown(name, json);
            }
        } while (json.take(','));
        json.expect('}');
        if (!json.atEnd() || type == null || occurredAt == null || data == null) {
            throw GiveUp.INSTANCE;
        }
        UUID id = null;
        if (eventId != null) {
            id = OrderEventParser.uuid(eventId, "eventId");
        } else if (eventIdRequired) {
            throw GiveUp.INSTANCE;
        }
        Instant at = OrderEventParser.instant(occurredAt, "occurredAt");
        return switch (type) {
            case "OrderUpserted" -> data.order(id, at);
            case "PaymentCaptured" -> data.payment(id, at);
            default -> throw GiveUp.INSTANCE;
        };
    }

    /** The fields of {@code data} for either event type; which ones must be present depends on the type. */
    private static final class Data {
        final Names names = new Names();
        String orderId;
        String paymentId;
        String customerId;
        String status;
        String currency;
        long totalCents;
        long version;
        long amountCents;
        List<OrderLine> lines;

        OrderUpserted order(UUID eventId, Instant occurredAt) throws GiveUp, InvalidMessageException {
            names.require(ORDER_ID | CUSTOMER_ID | STATUS | CURRENCY | TOTAL_CENTS | VERSION | LINES);
            return new OrderUpserted(
                    eventId,
                    occurredAt,
                    OrderEventParser.id(orderId, "data.orderId"),
                    OrderEventParser.id(customerId, "data.customerId"),
                    OrderEventParser.status(status),
                    OrderEventParser.currency(currency, "data.currency"),
                    OrderEventParser.range(totalCents, "data.totalCents", 0, Long.MAX_VALUE),
                    OrderEventParser.range(version, "data.version", 1, Long.MAX_VALUE),
                    lines);
        }

        PaymentCaptured payment(UUID eventId, Instant occurredAt) throws GiveUp, InvalidMessageException {
            // A payment does not know orderId, status, totalCents, version or lines: in a payment they are unknown
            // fields the tree reader ignores, whatever they hold; here they were read as an order's, so give up.
            names.require(PAYMENT_ID | CUSTOMER_ID | AMOUNT_CENTS | CURRENCY);
            names.forbid(ORDER_ID | STATUS | TOTAL_CENTS | VERSION | LINES);
            return new PaymentCaptured(
                    eventId,
                    occurredAt,
                    OrderEventParser.id(paymentId, "data.paymentId"),
                    OrderEventParser.id(customerId, "data.customerId"),
                    OrderEventParser.range(amountCents, "data.amountCents", 1, Long.MAX_VALUE),
                    OrderEventParser.currency(currency, "data.currency"));
        }
    }

    private static Data data(JsonCursor json) throws GiveUp {
        Data data = new Data();
        Names names = data.names;
        json.expect('{');
        do {
            String name = json.name(DATA_NAMES);
            json.expect(':');
            switch (name) {
                case "orderId" -> data.orderId = text(json, names, ORDER_ID);
                case "paymentId" -> data.paymentId = text(json, names, PAYMENT_ID);
                case "customerId" -> data.customerId = text(json, names, CUSTOMER_ID);
                case "status" -> data.status = text(json, names, STATUS);
                case "currency" -> data.currency = text(json, names, CURRENCY);
                case "totalCents" -> data.totalCents = integer(json, names, TOTAL_CENTS);
                case "version" -> data.version = integer(json, names, VERSION);
                case "amountCents" -> data.amountCents = integer(json, names, AMOUNT_CENTS);
                case "lines" -> {
                    names.see(LINES);
                    data.lines = lines(json);
                }
                default -> names.unknown(name, json);
            }
        } while (json.take(','));
        json.expect('}');
        return data;
    }

    private static List<OrderLine> lines(JsonCursor json) throws GiveUp {
        List<OrderLine> lines = new ArrayList<>();
        json.expect('[');
        if (json.take(']')) {
            return lines;
        }
        do {
            if (lines.size() == OrderEventParser.MAX_LINES) {
                throw GiveUp.INSTANCE;
            }
            lines.add(line(json, lines.size()));
        } while (json.take(','));
        json.expect(']');
        return lines;
    }

    private static OrderLine line(JsonCursor json, int index) throws GiveUp {
        Names names = new Names();
        String sku = null;
        long quantity = 0;
        long unitPriceCents = 0;
        json.expect('{');
        do {
            String name = json.name(LINE_NAMES);
            json.expect(':');
            switch (name) {
                case "sku" -> sku = text(json, names, SKU);
                case "quantity" -> quantity = integer(json, names, QUANTITY);
                case "unitPriceCents" -> unitPriceCents = integer(json, names, UNIT_PRICE_CENTS);
                default -> names.unknown(name, json);
            }
        } while (json.take(','));
        json.expect('}');
        names.require(SKU | QUANTITY | UNIT_PRICE_CENTS);
        try {
            String path = "data.lines[" + index + "]";
            return new OrderLine(
                    OrderEventParser.id(sku, path + ".sku"),
                    (int) OrderEventParser.range(quantity, path + ".quantity", 1, Integer.MAX_VALUE),
                    OrderEventParser.range(unitPriceCents, path + ".unitPriceCents", 0, Long.MAX_VALUE));
        } catch (InvalidMessageException e) {
            throw GiveUp.INSTANCE;
        }
    }

    private static String text(JsonCursor json, Names names, int bit) throws GiveUp {
        names.see(bit);
        if (!json.stringNext()) {
            throw GiveUp.INSTANCE;
        }
        return json.string();
    }

    private static long integer(JsonCursor json, Names names, int bit) throws GiveUp {
        names.see(bit);
        if (!json.numberNext()) {
            throw GiveUp.INSTANCE;
        }
        return json.integer();
    }

    /** The names seen in one object: known ones as bits, unknown ones (rare) in a list. */
    private static final class Names {
        private int seen;
        private List<String> unknown;

        void see(int bit) throws GiveUp {
            if ((seen & bit) != 0) {
                throw GiveUp.INSTANCE;
            }
            seen |= bit;
        }

        /** An unknown field: skipped when it holds a scalar; an object or array could hide a duplicated name. */
        void unknown(String name, JsonCursor json) throws GiveUp {
            if (unknown == null) {
                unknown = new ArrayList<>(2);
            } else if (unknown.contains(name)) {
                throw GiveUp.INSTANCE;
            }
            unknown.add(name);
            json.skipScalar();
        }

        void require(int bits) throws GiveUp {
            if ((seen & bits) != bits) {
                throw GiveUp.INSTANCE;
            }
        }

        void forbid(int bits) throws GiveUp {
            if ((seen & bits) != 0) {
                throw GiveUp.INSTANCE;
            }
        }
    }
}
