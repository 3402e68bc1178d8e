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
import dev.tether.processor.order.OrderEvent.OrderLine;
import dev.tether.processor.order.OrderEvent.OrderStatus;
import dev.tether.processor.order.OrderEvent.OrderUpserted;
import dev.tether.processor.order.OrderEvent.PaymentCaptured;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
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

    /** DATETIME(6) holds years 1000 to 9999 (MySQL manual, "The DATE, DATETIME, and TIMESTAMP Types"). */
    private static final Instant EARLIEST = LocalDate.of(1000, 1, 1).atStartOfDay().toInstant(ZoneOffset.UTC);

    private static final Instant LATEST = LocalDate.of(10000, 1, 1).atStartOfDay().toInstant(ZoneOffset.UTC);

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
    public OrderEvent parse(String body) throws InvalidEventException {
        OrderEvent event = streaming.read(body);
        return event != null ? event : parseTree(body);
    }

    /**
     * The reference reading: the body as a JSON tree, every rule checked in a fixed order, so that the first
     * violation named is always the same. Every body the streaming reader does not vouch for is read here.
     */
    OrderEvent parseTree(String body) throws InvalidEventException {
        if (body == null || body.isBlank()) {
            throw new InvalidEventException("body", "is empty; expected a JSON object");
        }
        JsonNode root;
        try {
            root = reader.readTree(body);
        } catch (StreamConstraintsException e) {
            // Nesting too deep, a number or a name too long: Jackson's read limits, reported without a location.
            throw new InvalidEventException("body", "exceeds a limit of the JSON reader: " + limitOf(e));
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            throw new InvalidEventException("body", "is not valid JSON"
                    + (at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")"));
        }
        if (root == null || !root.isObject()) {
            throw new InvalidEventException("body", "must be a JSON object");
        }
        JsonNode eventIdNode = root.get("eventId");
        UUID eventId = eventIdRequired || (eventIdNode != null && !eventIdNode.isNull()) ? uuid(root, "eventId") : null;
        String type = text(root, "type", "type");
        Instant occurredAt = instant(text(root, "occurredAt", "occurredAt"), "occurredAt");
        JsonNode data = object(root, "data", "data");
        return switch (type) {
            case "OrderUpserted" -> orderUpserted(eventId, occurredAt, data);
            case "PaymentCaptured" -> paymentCaptured(eventId, occurredAt, data);
            default -> throw new InvalidEventException(
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
            throws InvalidEventException {
        String orderId = id(data, "orderId", "data.orderId");
        String customerId = id(data, "customerId", "data.customerId");
        OrderStatus status = status(data);
        String currency = currency(data, "data.currency");
        long totalCents = integer(data, "totalCents", "data.totalCents", 0, Long.MAX_VALUE);
        long version = integer(data, "version", "data.version", 1, Long.MAX_VALUE);
        JsonNode linesNode = data.get("lines");
        if (linesNode == null || linesNode.isNull()) {
            throw new InvalidEventException("data.lines", "is required; expected an array of 0 to " + MAX_LINES);
        }
        if (!linesNode.isArray()) {
            throw new InvalidEventException("data.lines", "must be an array");
        }
        if (linesNode.size() > MAX_LINES) {
            throw new InvalidEventException("data.lines", "has " + linesNode.size() + " lines; at most " + MAX_LINES);
        }
        List<OrderLine> lines = new ArrayList<>(linesNode.size());
        for (int i = 0; i < linesNode.size(); i++) {
            String path = "data.lines[" + i + "]";
            JsonNode line = linesNode.get(i);
            if (!line.isObject()) {
                throw new InvalidEventException(path, "must be a JSON object");
            }
            String sku = id(line, "sku", path + ".sku");
            int quantity = (int) integer(line, "quantity", path + ".quantity", 1, Integer.MAX_VALUE);
            long unitPrice = integer(line, "unitPriceCents", path + ".unitPriceCents", 0, Long.MAX_VALUE);
            lines.add(new OrderLine(sku, quantity, unitPrice));
        }
        return new OrderUpserted(eventId, occurredAt, orderId, customerId, status, currency, totalCents, version, lines);
    }

    private static PaymentCaptured paymentCaptured(UUID eventId, Instant occurredAt, JsonNode data)
            throws InvalidEventException {
        String paymentId = id(data, "paymentId", "data.paymentId");
        String customerId = id(data, "customerId", "data.customerId");
        long amountCents = integer(data, "amountCents", "data.amountCents", 1, Long.MAX_VALUE);
        String currency = currency(data, "data.currency");
        return new PaymentCaptured(eventId, occurredAt, paymentId, customerId, amountCents, currency);
    }

    private static JsonNode required(JsonNode parent, String name, String path) throws InvalidEventException {
        JsonNode node = parent.get(name);
        if (node == null || node.isNull()) {
            throw new InvalidEventException(path, "is required");
        }
        return node;
    }

    private static JsonNode object(JsonNode parent, String name, String path) throws InvalidEventException {
        JsonNode node = required(parent, name, path);
        if (!node.isObject()) {
            throw new InvalidEventException(path, "must be a JSON object");
        }
        return node;
    }

    private static String text(JsonNode parent, String name, String path) throws InvalidEventException {
        JsonNode node = required(parent, name, path);
        if (!node.isTextual()) {
            throw new InvalidEventException(path, "must be a string");
        }
        return node.textValue();
    }

    private static UUID uuid(JsonNode parent, String name) throws InvalidEventException {
        return uuid(text(parent, name, name), name);
    }

    /** A UUID written as 8-4-4-4-12 hexadecimal digits (either case). */
    static UUID uuid(String value, String path) throws InvalidEventException {
        if (value.length() != 36 || value.charAt(8) != '-' || value.charAt(13) != '-' || value.charAt(18) != '-'
                || value.charAt(23) != '-') {
            throw new InvalidEventException(path, "must be a UUID (8-4-4-4-12 hexadecimal digits)");
        }
        // The 32 digits, read straight into the two halves.
        long high = 0;
        long low = 0;
        int digits = 0;
        for (int i = 0; i < 36; i++) {
            if (i == 8 || i == 13 || i == 18 || i == 23) {
                continue;
            }
            int digit = Character.digit(value.charAt(i), 16);
            if (digit < 0 || value.charAt(i) > 'f') {
                throw new InvalidEventException(path, "must be a UUID (8-4-4-4-12 hexadecimal digits)");
            }
            if (digits++ < 16) {
                high = high << 4 | digit;
            } else {
                low = low << 4 | digit;
            }
        }
        return new UUID(high, low);
    }

    /**
     * An ISO-8601 instant with a zone or offset, between the years 1000 and 9999, truncated to microseconds. The
     * usual shape ({@code 2026-11-26T10:15:30.123456Z}) is read directly; any other goes to {@code ISO_INSTANT}.
     */
    static Instant instant(String value, String name) throws InvalidEventException {
        Instant common = UtcTimestamps.parse(value);
        if (common != null) {
            return common.truncatedTo(ChronoUnit.MICROS);
        }
        Instant instant;
        try {
            instant = DateTimeFormatter.ISO_INSTANT.parse(value, Instant::from);
        } catch (DateTimeException e) {
            throw new InvalidEventException(name, "must be an ISO-8601 instant such as 2026-11-26T10:15:30.123456Z");
        }
        if (instant.isBefore(EARLIEST) || !instant.isBefore(LATEST)) {
            throw new InvalidEventException(name, "must lie between the years 1000 and 9999");
        }
        // DATETIME(6) keeps microseconds; truncate here so every server stores the same value.
        return instant.truncatedTo(ChronoUnit.MICROS);
    }

    private static String id(JsonNode parent, String name, String path) throws InvalidEventException {
        return id(text(parent, name, path), path);
    }

    /** An id or sku: 1 to 64 printable characters, without leading or trailing white space. */
    static String id(String value, String path) throws InvalidEventException {
        if (isPlainAscii(value)) {
            return value;
        }
        int length = value.codePointCount(0, value.length());
        if (length == 0 || length > MAX_ID_LENGTH) {
            throw new InvalidEventException(path, "must be 1 to " + MAX_ID_LENGTH + " characters long");
        }
        for (int i = 0; i < value.length(); ) {
            int codePoint = value.codePointAt(i);
            if (!isPrintable(codePoint)) {
                throw new InvalidEventException(path, "must contain printable characters only");
            }
            i += Character.charCount(codePoint);
        }
        // MySQL's PAD SPACE collations compare 'a' and 'a ' as equal: such ids would collide in a primary key.
        if (Character.isWhitespace(value.codePointAt(0))
                || Character.isWhitespace(value.codePointBefore(value.length()))) {
            throw new InvalidEventException(path, "must not start or end with white space");
        }
        return value;
    }

    /** 1 to 64 printable ASCII characters, the first and last not a space: the usual id, checked in one pass. */
    private static boolean isPlainAscii(String value) {
        int length = value.length();
        if (length == 0 || length > MAX_ID_LENGTH || value.charAt(0) == ' ' || value.charAt(length - 1) == ' ') {
            return false;
        }
        for (int i = 0; i < length; i++) {
            char c = value.charAt(i);
            if (c < ' ' || c > '~') {
                return false;
            }
        }
        return true;
    }

    private static boolean isPrintable(int codePoint) {
        return switch (Character.getType(codePoint)) {
            case Character.CONTROL,
                    Character.FORMAT,
                    Character.SURROGATE,
                    Character.PRIVATE_USE,
                    Character.UNASSIGNED,
                    Character.LINE_SEPARATOR,
                    Character.PARAGRAPH_SEPARATOR -> false;
            default -> true;
        };
    }

    private static String currency(JsonNode parent, String path) throws InvalidEventException {
        return currency(text(parent, "currency", path), path);
    }

    /** Three upper-case letters (ISO 4217). */
    static String currency(String value, String path) throws InvalidEventException {
        if (value.length() != 3 || !isUpper(value.charAt(0)) || !isUpper(value.charAt(1)) || !isUpper(value.charAt(2))) {
            throw new InvalidEventException(path, "must be three upper-case letters (ISO 4217, e.g. EUR)");
        }
        return value;
    }

    private static boolean isUpper(char c) {
        return c >= 'A' && c <= 'Z';
    }

    private static OrderStatus status(JsonNode data) throws InvalidEventException {
        return status(text(data, "status", "data.status"));
    }

    /** One of the order states, spelled exactly. */
    static OrderStatus status(String value) throws InvalidEventException {
        for (OrderStatus status : OrderStatus.values()) {
            if (status.name().equals(value)) {
                return status;
            }
        }
        throw new InvalidEventException("data.status", "must be one of PLACED, PAID, SHIPPED, CANCELLED");
    }

    private static long integer(JsonNode parent, String name, String path, long min, long max)
            throws InvalidEventException {
        JsonNode node = required(parent, name, path);
        if (!node.isNumber()) {
            throw new InvalidEventException(path, "must be a JSON number");
        }
        if (!node.isIntegralNumber()) {
            throw new InvalidEventException(path, "must be a whole number, without fraction or exponent");
        }
        if (!node.canConvertToLong()) {
            throw new InvalidEventException(path, "must be between " + min + " and " + max);
        }
        return range(node.longValue(), path, min, max);
    }

    /** A whole number between {@code min} and {@code max}. */
    static long range(long value, String path, long min, long max) throws InvalidEventException {
        if (value < min || value > max) {
            throw new InvalidEventException(path, "must be between " + min + " and " + max);
        }
        return value;
    }
}
