package dev.tether.lambda;

import com.fasterxml.jackson.databind.JsonNode;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.lang.reflect.WildcardType;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Makes up the JSON of a plausible event for a record type, to prime a route that has no sample of its own: a value
 * of every type the strict binding reads, in the form it reads it (strings {@code "prime"}, numbers 1, booleans
 * true, times and dates as ISO-8601 text, a UUID, the first constant of an enum, a list of one element, an empty
 * object for a map or raw JSON, nested records alike, optional components present). Null when a type is not one of
 * these.
 */
final class Samples {

    private static final int MAX_DEPTH = 4;

    private Samples() {}

    static String of(Class<?> type) {
        return of(type, 0);
    }

    private static String of(Type generic, int depth) {
        if (generic instanceof ParameterizedType p) {
            Type raw = p.getRawType();
            if (raw == Optional.class) {
                return of(argument(p, 0), depth);
            }
            if (raw == List.class) {
                String element = depth >= MAX_DEPTH ? null : of(argument(p, 0), depth + 1);
                return element == null ? "[]" : "[" + element + "]";
            }
            if (raw == Map.class) {
                return "{}";
            }
            return null;
        }
        if (!(generic instanceof Class<?> type)) {
            return null;
        }
        if (type == String.class) {
            return "\"prime\"";
        }
        if (type == boolean.class || type == Boolean.class) {
            return "true";
        }
        if (type.isPrimitive()
                || type == Long.class
                || type == Integer.class
                || type == Short.class
                || type == Byte.class
                || type == Double.class
                || type == BigInteger.class
                || type == BigDecimal.class) {
            return "1";
        }
        if (type == Instant.class) {
            return "\"2026-01-01T00:00:00Z\"";
        }
        if (type == OffsetDateTime.class) {
            return "\"2026-01-01T00:00:00+00:00\"";
        }
        if (type == LocalDate.class) {
            return "\"2026-01-01\"";
        }
        if (type == UUID.class) {
            return "\"00000000-0000-4000-8000-000000000001\"";
        }
        if (type == JsonNode.class || type == Map.class) {
            return "{}";
        }
        if (type.isEnum()) {
            Object[] constants = type.getEnumConstants();
            return constants.length == 0 ? null : "\"" + ((Enum<?>) constants[0]).name() + "\"";
        }
        if (!type.isRecord() || depth >= MAX_DEPTH) {
            return null;
        }
        StringBuilder json = new StringBuilder("{");
        for (RecordComponent component : type.getRecordComponents()) {
            String value = of(component.getGenericType(), depth + 1);
            if (value == null) {
                return null;
            }
            json.append(json.length() > 1 ? "," : "")
                    .append(Envelope.quote(component.getName()))
                    .append(':')
                    .append(value);
        }
        return json.append('}').toString();
    }

    private static Type argument(ParameterizedType type, int index) {
        Type argument = type.getActualTypeArguments()[index];
        return argument instanceof WildcardType w ? w.getUpperBounds()[0] : argument;
    }
}
