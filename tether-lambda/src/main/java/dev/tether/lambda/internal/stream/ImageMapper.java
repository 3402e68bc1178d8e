package dev.tether.lambda.internal.stream;

import com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tether.lambda.internal.stream.ReplicaTable.Column;
import dev.tether.lambda.json.UtcTimestamps;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jooq.DataType;
import org.jooq.EnumType;
import org.jooq.JSON;

/**
 * Turns a DynamoDB item image into column values, driven by each column's jOOQ data type, exactly: numbers go from
 * their decimal text to {@link BigDecimal} (never through {@code double}) with range and scale checks; maps and
 * lists become JSON with numbers kept as written; sets become JSON arrays. A value that does not fit its column is
 * an {@link InvalidRecordException} naming the attribute, the column and the value's DynamoDB type.
 *
 * <p>Attributes without a column are not replicated; columns without an attribute are set to NULL (the image is the
 * whole item).
 */
final class ImageMapper {

    private static final JsonNodeFactory JSON_NODES = JsonNodeFactory.withExactBigDecimals(true);
    private static final ObjectWriter JSON_WRITER = JsonMapper.builder()
            .enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN)
            .build()
            .writer();

    private static final BigDecimal[][] INTEGER_RANGES = {
        {BigDecimal.valueOf(Byte.MIN_VALUE), BigDecimal.valueOf(Byte.MAX_VALUE)},
        {BigDecimal.valueOf(Short.MIN_VALUE), BigDecimal.valueOf(Short.MAX_VALUE)},
        {BigDecimal.valueOf(Integer.MIN_VALUE), BigDecimal.valueOf(Integer.MAX_VALUE)},
        {BigDecimal.valueOf(Long.MIN_VALUE), BigDecimal.valueOf(Long.MAX_VALUE)},
    };

    private final ReplicaTable table;

    ImageMapper(ReplicaTable table) {
        this.table = table;
    }

    /** How many data columns a row has. */
    int dataColumns() {
        return table.data().size();
    }

    /** The key columns' values, from the record's {@code Keys} (or image). */
    RowKey key(Map<String, AttributeValue> keys) throws InvalidRecordException {
        List<Column> columns = table.keys();
        Object[] values = new Object[columns.size()];
        for (int i = 0; i < values.length; i++) {
            Column key = columns.get(i);
            AttributeValue value = keys == null ? null : keys.get(key.attribute());
            if (value == null || Boolean.TRUE.equals(value.getNULL())) {
                throw new InvalidRecordException("key attribute '" + key.attribute() + "' is missing (column "
                        + key.field().getName() + ")");
            }
            values[i] = convert(key, value);
        }
        return new RowKey(values);
    }

    /** The data columns' values, in {@link ReplicaTable#data()} order. */
    Object[] values(Map<String, AttributeValue> image) throws InvalidRecordException {
        List<Column> columns = table.data();
        Object[] values = new Object[columns.size()];
        for (int i = 0; i < values.length; i++) {
            Column column = columns.get(i);
            if (column.computed() != null) {
                values[i] = computed(column, image);
                continue;
            }
            AttributeValue value = column.path() != null ? nested(image, column.path()) : image.get(column.attribute());
            values[i] = value == null || Boolean.TRUE.equals(value.getNULL()) ? null : convert(column, value);
        }
        return values;
    }

    /** The attribute at {@code path} through nested maps, or null where the path ends early. */
    private static AttributeValue nested(Map<String, AttributeValue> image, List<String> path) {
        AttributeValue value = image.get(path.get(0));
        for (int i = 1; i < path.size() && value != null; i++) {
            value = value.getM() == null ? null : value.getM().get(path.get(i));
        }
        return value;
    }

    /** A hook's value for {@code column}, checked against the column's Java type. */
    private static Object computed(Column column, Map<String, AttributeValue> image) throws InvalidRecordException {
        Object value;
        try {
            value = column.computed().apply(java.util.Collections.unmodifiableMap(image));
        } catch (RuntimeException e) {
            throw new InvalidRecordException(
                    "the computed value of column " + column.field().getName() + " failed: " + e);
        }
        if (value != null && !column.field().getType().isInstance(value)) {
            try {
                return column.field().getDataType().convert(value);
            } catch (RuntimeException e) {
                throw new InvalidRecordException(
                        "the computed value of column " + column.field().getName() + " is a "
                                + value.getClass().getSimpleName() + ", which the column's "
                                + column.field().getType().getSimpleName() + " cannot hold");
            }
        }
        return value;
    }

    static Object convert(Column column, AttributeValue value) throws InvalidRecordException {
        DataType<?> type = column.field().getDataType();
        Class<?> javaType = type.getType();
        String dynamoType = typeOf(value);
        if (javaType == JSON.class) {
            return JSON.valueOf(json(value));
        }
        if (EnumType.class.isAssignableFrom(javaType)) {
            String text = requireType(column, value, "S", value.getS());
            for (Object literal : javaType.getEnumConstants()) {
                if (((EnumType) literal).getLiteral().equals(text)) {
                    return literal;
                }
            }
            throw mismatch(column, dynamoType, "is not one of the column's values");
        }
        if (javaType == String.class) {
            String text = requireType(column, value, "S", value.getS());
            int length = text.codePointCount(0, text.length());
            if (type.hasLength() && type.length() > 0 && length > type.length()) {
                throw mismatch(column, dynamoType, "has " + length + " characters; the column holds " + type.length());
            }
            return text;
        }
        if (javaType == Boolean.class) {
            return requireType(column, value, "BOOL", value.getBOOL());
        }
        if (javaType == LocalDateTime.class) {
            return dateTime(column, requireType(column, value, "S", value.getS()));
        }
        if (javaType == LocalDate.class) {
            try {
                return LocalDate.parse(requireType(column, value, "S", value.getS()));
            } catch (DateTimeException e) {
                throw mismatch(column, dynamoType, "is not an ISO-8601 date");
            }
        }
        if (javaType == byte[].class) {
            ByteBuffer bytes = requireType(column, value, "B", value.getB());
            byte[] array = new byte[bytes.remaining()];
            bytes.duplicate().get(array);
            if (type.hasLength() && type.length() > 0 && array.length > type.length()) {
                throw mismatch(column, dynamoType, "has " + array.length + " bytes; the column holds " + type.length());
            }
            return array;
        }
        if (Number.class.isAssignableFrom(javaType)) {
            return number(column, type, requireType(column, value, "N", value.getN()));
        }
        throw mismatch(column, dynamoType, "cannot be stored in a column of type " + type.getTypeName());
    }

    private static Object number(Column column, DataType<?> type, String text) throws InvalidRecordException {
        BigDecimal number;
        try {
            number = new BigDecimal(text);
        } catch (NumberFormatException e) {
            throw mismatch(column, "N", "is not a decimal number");
        }
        Class<?> javaType = type.getType();
        if (javaType == BigDecimal.class) {
            BigDecimal exact = number.scale() > type.scale() ? number.stripTrailingZeros() : number;
            if (exact.scale() > type.scale()) {
                throw mismatch(
                        column,
                        "N",
                        "has " + exact.scale() + " fractional digits; the column keeps " + type.scale() + " (DECIMAL("
                                + type.precision() + "," + type.scale() + "))");
            }
            if (exact.precision() - exact.scale() > type.precision() - type.scale()) {
                throw mismatch(
                        column,
                        "N",
                        "has too many integer digits for DECIMAL(" + type.precision() + "," + type.scale() + ")");
            }
            return exact.setScale(Math.max(exact.scale(), 0));
        }
        BigDecimal integral = number.stripTrailingZeros();
        if (integral.scale() > 0) {
            throw mismatch(column, "N", "has a fraction; the column holds whole numbers");
        }
        int range = javaType == Byte.class ? 0 : javaType == Short.class ? 1 : javaType == Integer.class ? 2 : 3;
        if (javaType == BigInteger.class) {
            if (integral.precision() - integral.scale() > type.precision()) {
                throw mismatch(column, "N", "has more than " + type.precision() + " digits");
            }
            return integral.toBigIntegerExact();
        }
        if (integral.compareTo(INTEGER_RANGES[range][0]) < 0 || integral.compareTo(INTEGER_RANGES[range][1]) > 0) {
            throw mismatch(
                    column, "N", "is out of range for " + type.getTypeName().toUpperCase());
        }
        long exact = integral.longValueExact();
        return switch (range) {
            case 0 -> (byte) exact;
            case 1 -> (short) exact;
            case 2 -> (int) exact;
            default -> exact;
        };
    }

    private static LocalDateTime dateTime(Column column, String text) throws InvalidRecordException {
        // The usual shape (2026-11-26T10:15:30.123Z) directly; everything else through ISO_DATE_TIME.
        Instant instant = UtcTimestamps.parse(text);
        try {
            if (instant == null) {
                instant = OffsetDateTime.parse(text, DateTimeFormatter.ISO_DATE_TIME)
                        .toInstant();
            }
        } catch (DateTimeException withoutZone) {
            try {
                instant = LocalDateTime.parse(text).toInstant(ZoneOffset.UTC);
            } catch (DateTimeException e) {
                throw mismatch(column, "S", "is not an ISO-8601 date-time");
            }
        }
        LocalDateTime utc = LocalDateTime.ofInstant(instant.truncatedTo(ChronoUnit.MICROS), ZoneOffset.UTC);
        if (utc.getYear() < 1000 || utc.getYear() > 9999) {
            throw mismatch(column, "S", "lies outside the years 1000 to 9999 that DATETIME holds");
        }
        return utc;
    }

    private static <T> T requireType(Column column, AttributeValue value, String expected, T content)
            throws InvalidRecordException {
        if (content == null) {
            throw mismatch(column, typeOf(value), "is not of type " + expected + ", which the column needs");
        }
        return content;
    }

    private static InvalidRecordException mismatch(Column column, String dynamoType, String reason) {
        return new InvalidRecordException(column.origin() + " (" + dynamoType + ") " + reason + " (column "
                + column.field().getName() + " " + column.field().getDataType().getCastTypeName() + ")");
    }

    /** The DynamoDB type of a value: S, N, B, SS, NS, BS, M, L, NULL or BOOL. */
    static String typeOf(AttributeValue value) {
        if (value.getS() != null) {
            return "S";
        } else if (value.getN() != null) {
            return "N";
        } else if (value.getB() != null) {
            return "B";
        } else if (value.getSS() != null) {
            return "SS";
        } else if (value.getNS() != null) {
            return "NS";
        } else if (value.getBS() != null) {
            return "BS";
        } else if (value.getM() != null) {
            return "M";
        } else if (value.getL() != null) {
            return "L";
        } else if (value.getBOOL() != null) {
            return "BOOL";
        }
        return "NULL";
    }

    /** DynamoDB nests maps and lists 32 levels deep at most ("Service, account, and table quotas"). */
    static final int MAX_DEPTH = 32;

    /** JSON text of any value; numbers keep their exact decimal text, binaries become base64 strings. */
    static String json(AttributeValue value) throws InvalidRecordException {
        try {
            return JSON_WRITER.writeValueAsString(jsonNode(value, 0));
        } catch (JsonProcessingException e) {
            throw new InvalidRecordException("value cannot be written as JSON: " + e.getOriginalMessage());
        } catch (NumberFormatException e) {
            throw new InvalidRecordException("a number inside the value is not a decimal number");
        } catch (TooDeep e) {
            throw new InvalidRecordException(
                    "value nests maps and lists deeper than DynamoDB's " + MAX_DEPTH + " levels");
        }
    }

    /** A value nested deeper than DynamoDB allows; thrown out of the conversion's lambdas. */
    private static final class TooDeep extends RuntimeException {
        private static final long serialVersionUID = 1L;

        TooDeep() {
            super(null, null, false, false);
        }
    }

    private static JsonNode jsonNode(AttributeValue value, int depth) {
        if (depth > MAX_DEPTH) {
            throw new TooDeep();
        }
        if (value.getS() != null) {
            return JSON_NODES.textNode(value.getS());
        } else if (value.getN() != null) {
            return JSON_NODES.numberNode(new BigDecimal(value.getN()));
        } else if (value.getB() != null) {
            return JSON_NODES.textNode(base64(value.getB()));
        } else if (value.getBOOL() != null) {
            return JSON_NODES.booleanNode(value.getBOOL());
        } else if (value.getM() != null) {
            ObjectNode object = JSON_NODES.objectNode();
            // Sorted, so that the same map always gives the same JSON.
            new TreeMap<>(value.getM()).forEach((name, member) -> object.set(name, jsonNode(member, depth + 1)));
            return object;
        } else if (value.getL() != null) {
            ArrayNode array = JSON_NODES.arrayNode();
            value.getL().forEach(member -> array.add(jsonNode(member, depth + 1)));
            return array;
        } else if (value.getSS() != null) {
            ArrayNode array = JSON_NODES.arrayNode();
            value.getSS().forEach(array::add);
            return array;
        } else if (value.getNS() != null) {
            ArrayNode array = JSON_NODES.arrayNode();
            value.getNS().forEach(n -> array.add(new BigDecimal(n)));
            return array;
        } else if (value.getBS() != null) {
            ArrayNode array = JSON_NODES.arrayNode();
            value.getBS().forEach(b -> array.add(base64(b)));
            return array;
        }
        return JSON_NODES.nullNode();
    }

    private static String base64(ByteBuffer bytes) {
        ByteBuffer copy = bytes.duplicate();
        byte[] array = new byte[copy.remaining()];
        copy.get(array);
        return new String(Base64.getEncoder().encode(array), StandardCharsets.US_ASCII);
    }
}
