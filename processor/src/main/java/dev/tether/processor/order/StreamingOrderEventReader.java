package dev.tether.processor.order;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.tether.processor.order.OrderEvent.OrderLine;
import dev.tether.processor.order.OrderEvent.OrderStatus;
import dev.tether.processor.order.OrderEvent.OrderUpserted;
import dev.tether.processor.order.OrderEvent.PaymentCaptured;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Reads a valid body in one pass over Jackson's token stream, without building a tree: the batch handler's hot
 * path, several times cheaper than {@link OrderEventParser#parseTree}. It vouches only for what it fully checked:
 * at the first thing it does not expect (a violation, a null, a float, a duplicated or repeated name, an unknown
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

    /** Jackson's defaults, as in the tree reader; duplicates and trailing content are checked here. */
    private final JsonFactory factory = new JsonFactory();
    private final boolean eventIdRequired;

    StreamingOrderEventReader(boolean eventIdRequired) {
        this.eventIdRequired = eventIdRequired;
    }

    /** Gave up: the tree reader decides. */
    private static final class GiveUp extends Exception {
        private static final long serialVersionUID = 1L;
        private static final GiveUp INSTANCE = new GiveUp();

        private GiveUp() {
            super(null, null, false, false);
        }
    }

    /** The event {@code body} holds, or null when the tree reader must decide. */
    OrderEvent read(String body) {
        if (body == null) {
            return null;
        }
        try (JsonParser parser = factory.createParser(body)) {
            return read(parser);
        } catch (GiveUp | InvalidEventException | IOException | RuntimeException e) {
            // Not vouched for: the tree reader accepts or rejects it and names the field.
            return null;
        }
    }

    private OrderEvent read(JsonParser parser) throws IOException, GiveUp, InvalidEventException {
        expect(parser.nextToken(), JsonToken.START_OBJECT);
        Names names = new Names();
        String eventId = null;
        String type = null;
        String occurredAt = null;
        Data data = null;
        for (JsonToken token = parser.nextToken(); token != JsonToken.END_OBJECT; token = parser.nextToken()) {
            expect(token, JsonToken.FIELD_NAME);
            String name = parser.currentName();
            JsonToken value = parser.nextToken();
            switch (name) {
                case "eventId" -> eventId = text(parser, value, names, EVENT_ID);
                case "type" -> type = text(parser, value, names, TYPE);
                case "occurredAt" -> occurredAt = text(parser, value, names, OCCURRED_AT);
                case "data" -> {
                    names.see(BODY_DATA);
                    expect(value, JsonToken.START_OBJECT);
                    data = data(parser);
                }
                default -> names.unknown(name, value);
            }
        }
        if (parser.nextToken() != null || type == null || occurredAt == null || data == null) {
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

        OrderUpserted order(UUID eventId, Instant occurredAt) throws GiveUp, InvalidEventException {
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

        PaymentCaptured payment(UUID eventId, Instant occurredAt) throws GiveUp, InvalidEventException {
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

    private static Data data(JsonParser parser) throws IOException, GiveUp {
        Data data = new Data();
        Names names = data.names;
        for (JsonToken token = parser.nextToken(); token != JsonToken.END_OBJECT; token = parser.nextToken()) {
            expect(token, JsonToken.FIELD_NAME);
            String name = parser.currentName();
            JsonToken value = parser.nextToken();
            switch (name) {
                case "orderId" -> data.orderId = text(parser, value, names, ORDER_ID);
                case "paymentId" -> data.paymentId = text(parser, value, names, PAYMENT_ID);
                case "customerId" -> data.customerId = text(parser, value, names, CUSTOMER_ID);
                case "status" -> data.status = text(parser, value, names, STATUS);
                case "currency" -> data.currency = text(parser, value, names, CURRENCY);
                case "totalCents" -> data.totalCents = integer(parser, value, names, TOTAL_CENTS);
                case "version" -> data.version = integer(parser, value, names, VERSION);
                case "amountCents" -> data.amountCents = integer(parser, value, names, AMOUNT_CENTS);
                case "lines" -> {
                    names.see(LINES);
                    expect(value, JsonToken.START_ARRAY);
                    data.lines = lines(parser);
                }
                default -> names.unknown(name, value);
            }
        }
        return data;
    }

    private static List<OrderLine> lines(JsonParser parser) throws IOException, GiveUp {
        List<OrderLine> lines = new ArrayList<>();
        for (JsonToken token = parser.nextToken(); token != JsonToken.END_ARRAY; token = parser.nextToken()) {
            expect(token, JsonToken.START_OBJECT);
            if (lines.size() == OrderEventParser.MAX_LINES) {
                throw GiveUp.INSTANCE;
            }
            lines.add(line(parser, lines.size()));
        }
        return lines;
    }

    private static OrderLine line(JsonParser parser, int index) throws IOException, GiveUp {
        Names names = new Names();
        String sku = null;
        long quantity = 0;
        long unitPriceCents = 0;
        for (JsonToken token = parser.nextToken(); token != JsonToken.END_OBJECT; token = parser.nextToken()) {
            expect(token, JsonToken.FIELD_NAME);
            String name = parser.currentName();
            JsonToken value = parser.nextToken();
            switch (name) {
                case "sku" -> sku = text(parser, value, names, SKU);
                case "quantity" -> quantity = integer(parser, value, names, QUANTITY);
                case "unitPriceCents" -> unitPriceCents = integer(parser, value, names, UNIT_PRICE_CENTS);
                default -> names.unknown(name, value);
            }
        }
        names.require(SKU | QUANTITY | UNIT_PRICE_CENTS);
        try {
            String path = "data.lines[" + index + "]";
            return new OrderLine(
                    OrderEventParser.id(sku, path + ".sku"),
                    (int) OrderEventParser.range(quantity, path + ".quantity", 1, Integer.MAX_VALUE),
                    OrderEventParser.range(unitPriceCents, path + ".unitPriceCents", 0, Long.MAX_VALUE));
        } catch (InvalidEventException e) {
            throw GiveUp.INSTANCE;
        }
    }

    private static String text(JsonParser parser, JsonToken value, Names names, int bit) throws IOException, GiveUp {
        names.see(bit);
        expect(value, JsonToken.VALUE_STRING);
        return parser.getText();
    }

    private static long integer(JsonParser parser, JsonToken value, Names names, int bit) throws IOException, GiveUp {
        names.see(bit);
        expect(value, JsonToken.VALUE_NUMBER_INT);
        JsonParser.NumberType type = parser.getNumberType();
        if (type != JsonParser.NumberType.INT && type != JsonParser.NumberType.LONG) {
            throw GiveUp.INSTANCE;
        }
        return parser.getLongValue();
    }

    private static void expect(JsonToken actual, JsonToken expected) throws GiveUp {
        if (actual != expected) {
            throw GiveUp.INSTANCE;
        }
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

        /** An unknown field: ignored when it holds a scalar; an object or array could hide a duplicated name. */
        void unknown(String name, JsonToken value) throws GiveUp {
            if (value.isStructStart()) {
                throw GiveUp.INSTANCE;
            }
            if (unknown == null) {
                unknown = new ArrayList<>(2);
            } else if (unknown.contains(name)) {
                throw GiveUp.INSTANCE;
            }
            unknown.add(name);
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
