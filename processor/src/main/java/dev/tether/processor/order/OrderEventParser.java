package dev.tether.processor.order;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.tether.lambda.InvalidMessageException;
import dev.tether.lambda.json.JsonChecks;
import dev.tether.processor.order.OrderEvent.OrderLine;
import dev.tether.processor.order.OrderEvent.OrderStatus;
import dev.tether.processor.order.OrderEvent.OrderUpserted;
import dev.tether.processor.order.OrderEvent.PaymentCaptured;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Turns an SQS message body into an {@link OrderEvent}, strictly.
 *
 * <p>Every field is checked against the contract by its JSON type: nothing is coerced (a string where a number
 * belongs is an error, not a number) and nothing is truncated (a fraction or an out-of-range number where an integer
 * belongs is an error). Unknown fields are ignored, so producers can add fields. Errors name the field and what was
 * expected, never the value: bodies may carry personal data.
 *
 * <p>The rules are stated once, by the tree reading ({@link #parseTree}). The usual body is read first, several
 * times faster, by a {@link StreamingOrderEventReader} that steps aside for anything it does not fully vouch for.
 */
public final class OrderEventParser {

    /** Order lines per event, at most. */
    public static final int MAX_LINES = 100;

    /** Length of ids and skus, in characters, at most (the columns are VARCHAR(64)). */
    public static final int MAX_ID_LENGTH = 64;

    private final ObjectReader reader;
    private final boolean eventIdRequired;
    private final StreamingOrderEventReader streaming;

    /** A parser that requires {@code eventId}, the contract's default. */
    public OrderEventParser() {
        this(true);
    }

    /**
     * A parser; {@code eventIdRequired} false lets a message without {@code eventId} through (its idempotency key then
     * falls back to the SQS messageId). A present {@code eventId} must still be a UUID.
     */
    public OrderEventParser(boolean eventIdRequired) {
        this.eventIdRequired = eventIdRequired;
        JsonMapper mapper = JsonMapper.builder()
                // A body is exactly one JSON value: "{...} {...}" or "{...} trailing" is not a body.
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                // {"a":1,"a":2} is ambiguous: reject it rather than let the last one win silently.
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                // Integers come back in the smallest exact node that holds them (a BigInteger beyond a long), and a
                // number with a fraction or exponent is never integral, so range checks see what was sent.
                .disable(JsonParser.Feature.ALLOW_COMMENTS)
                .build();
        this.reader = mapper.reader();
        this.streaming = new StreamingOrderEventReader(eventIdRequired);
    }

    /** Parses and validates one body. */
    public OrderEvent parse(String body) throws InvalidMessageException {
        OrderEvent event = streaming.read(body);
        return event != null ? event : parseTree(body);
    }

    /**
     * The reference reading: the body as a JSON tree, every rule checked in a fixed order, so that the first
     * violation named is always the same. Every body the streaming reader does not vouch for is read here.
     */
    OrderEvent parseTree(String body) throws InvalidMessageException {
        if (body == null || body.isBlank()) {
            throw new InvalidMessageException("body", "is empty; expected a JSON object");
        }
        JsonNode root;
        try {
            root = reader.readTree(body);
        } catch (StreamConstraintsException e) {
            // Nesting too deep, a number or a name too long: Jackson's read limits, reported without a location.
            throw new InvalidMessageException("body", "exceeds a limit of the JSON reader: " + limitOf(e));
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            throw new InvalidMessageException(
                    "body",
                    "is not valid JSON"
                            + (at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")"));
        }
        if (root == null || !root.isObject()) {
            throw new InvalidMessageException("body", "must be a JSON object");
        }
        JsonNode eventIdNode = root.get("eventId");
        UUID eventId = eventIdRequired || (eventIdNode != null && !eventIdNode.isNull()) ? uuid(root, "eventId") : null;
        String type = text(root, "type", "type");
        Instant occurredAt = instant(text(root, "occurredAt", "occurredAt"), "occurredAt");
        JsonNode data = object(root, "data", "data");
        return switch (type) {
            case "OrderUpserted" -> orderUpserted(eventId, occurredAt, data);
            case "PaymentCaptured" -> paymentCaptured(eventId, occurredAt, data);
            default ->
                throw new InvalidMessageException(
                        "type", "is not a known event type; expected OrderUpserted or PaymentCaptured");
        };
    }

    /** Which limit a body broke, in Jackson's words up to the reference to its settings; never the body's text. */
    private static String limitOf(StreamConstraintsException e) {
        String message = String.valueOf(e.getOriginalMessage());
        int settings = message.indexOf(", from `");
        return (settings < 0 ? message : message.substring(0, settings) + ")").replaceAll("\\s+", " ");
    }

    private static OrderUpserted orderUpserted(UUID eventId, Instant occurredAt, JsonNode data)
            throws InvalidMessageException {
        String orderId = id(data, "orderId", "data.orderId");
        String customerId = id(data, "customerId", "data.customerId");
        OrderStatus status = status(data);
        String currency = currency(data, "data.currency");
        long totalCents = integer(data, "totalCents", "data.totalCents", 0, Long.MAX_VALUE);
        long version = integer(data, "version", "data.version", 1, Long.MAX_VALUE);
        JsonNode linesNode = data.get("lines");
        if (linesNode == null || linesNode.isNull()) {
            throw new InvalidMessageException("data.lines", "is required; expected an array of 0 to " + MAX_LINES);
        }
        if (!linesNode.isArray()) {
            throw new InvalidMessageException("data.lines", "must be an array");
        }
        if (linesNode.size() > MAX_LINES) {
            throw new InvalidMessageException("data.lines", "has " + linesNode.size() + " lines; at most " + MAX_LINES);
        }
        List<OrderLine> lines = new ArrayList<>(linesNode.size());
        for (int i = 0; i < linesNode.size(); i++) {
            String path = "data.lines[" + i + "]";
            JsonNode line = linesNode.get(i);
            if (!line.isObject()) {
                throw new InvalidMessageException(path, "must be a JSON object");
            }
            String sku = id(line, "sku", path + ".sku");
            int quantity = (int) integer(line, "quantity", path + ".quantity", 1, Integer.MAX_VALUE);
            long unitPrice = integer(line, "unitPriceCents", path + ".unitPriceCents", 0, Long.MAX_VALUE);
            lines.add(new OrderLine(sku, quantity, unitPrice));
        }
        return new OrderUpserted(
                eventId, occurredAt, orderId, customerId, status, currency, totalCents, version, lines);
    }

    private static PaymentCaptured paymentCaptured(UUID eventId, Instant occurredAt, JsonNode data)
            throws InvalidMessageException {
        String paymentId = id(data, "paymentId", "data.paymentId");
        String customerId = id(data, "customerId", "data.customerId");
        long amountCents = integer(data, "amountCents", "data.amountCents", 1, Long.MAX_VALUE);
        String currency = currency(data, "data.currency");
        return new PaymentCaptured(eventId, occurredAt, paymentId, customerId, amountCents, currency);
    }

    private static JsonNode required(JsonNode parent, String name, String path) throws InvalidMessageException {
        JsonNode node = parent.get(name);
        if (node == null || node.isNull()) {
            throw new InvalidMessageException(path, "is required");
        }
        return node;
    }

    private static JsonNode object(JsonNode parent, String name, String path) throws InvalidMessageException {
        JsonNode node = required(parent, name, path);
        if (!node.isObject()) {
            throw new InvalidMessageException(path, "must be a JSON object");
        }
        return node;
    }

    private static String text(JsonNode parent, String name, String path) throws InvalidMessageException {
        JsonNode node = required(parent, name, path);
        if (!node.isTextual()) {
            throw new InvalidMessageException(path, "must be a string");
        }
        return node.textValue();
    }

    private static UUID uuid(JsonNode parent, String name) throws InvalidMessageException {
        return uuid(text(parent, name, name), name);
    }

    /** A UUID written as 8-4-4-4-12 hexadecimal digits (either case). */
    static UUID uuid(String value, String path) throws InvalidMessageException {
        return JsonChecks.uuid(value, path);
    }

    /** An ISO-8601 instant between the years 1000 and 9999, truncated to microseconds. */
    static Instant instant(String value, String name) throws InvalidMessageException {
        return JsonChecks.instant(value, name);
    }

    private static String id(JsonNode parent, String name, String path) throws InvalidMessageException {
        return id(text(parent, name, path), path);
    }

    /** An id or sku: 1 to 64 printable characters, without leading or trailing white space. */
    static String id(String value, String path) throws InvalidMessageException {
        return JsonChecks.id(value, path, MAX_ID_LENGTH);
    }

    private static String currency(JsonNode parent, String path) throws InvalidMessageException {
        return currency(text(parent, "currency", path), path);
    }

    /** Three upper-case letters (ISO 4217). */
    static String currency(String value, String path) throws InvalidMessageException {
        if (value.length() != 3
                || !isUpper(value.charAt(0))
                || !isUpper(value.charAt(1))
                || !isUpper(value.charAt(2))) {
            throw new InvalidMessageException(path, "must be three upper-case letters (ISO 4217, e.g. EUR)");
        }
        return value;
    }

    private static boolean isUpper(char c) {
        return c >= 'A' && c <= 'Z';
    }

    private static OrderStatus status(JsonNode data) throws InvalidMessageException {
        return status(text(data, "status", "data.status"));
    }

    /** One of the order states, spelled exactly. */
    static OrderStatus status(String value) throws InvalidMessageException {
        for (OrderStatus status : OrderStatus.values()) {
            if (status.name().equals(value)) {
                return status;
            }
        }
        throw new InvalidMessageException("data.status", "must be one of PLACED, PAID, SHIPPED, CANCELLED");
    }

    private static long integer(JsonNode parent, String name, String path, long min, long max)
            throws InvalidMessageException {
        JsonNode node = required(parent, name, path);
        if (!node.isNumber()) {
            throw new InvalidMessageException(path, "must be a JSON number");
        }
        if (!node.isIntegralNumber()) {
            throw new InvalidMessageException(path, "must be a whole number, without fraction or exponent");
        }
        if (!node.canConvertToLong()) {
            throw new InvalidMessageException(path, "must be between " + min + " and " + max);
        }
        return range(node.longValue(), path, min, max);
    }

    /** A whole number between {@code min} and {@code max}. */
    static long range(long value, String path, long min, long max) throws InvalidMessageException {
        return JsonChecks.range(value, path, min, max);
    }
}
