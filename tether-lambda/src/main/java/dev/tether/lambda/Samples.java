package dev.tether.lambda;

import java.lang.reflect.RecordComponent;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Collection;
import java.util.Map;

/**
 * Makes up the JSON of a plausible event for a record type, to prime a route that has no sample of its own: strings
 * {@code "prime"}, numbers 1, booleans true, the first constant of an enum, empty arrays and maps, nested records
 * alike. Null when a component's type is not one of these: the route is then not primed.
 */
final class Samples {

    private static final int MAX_DEPTH = 4;

    private Samples() {}

    static String of(Class<?> type) {
        return of(type, 0);
    }

    private static String of(Class<?> type, int depth) {
        if (type == String.class || type == char.class || type == Character.class) {
            return "\"prime\"";
        }
        if (type.isPrimitive() && type != boolean.class
                || Number.class.isAssignableFrom(type)
                        && (type.getName().startsWith("java.lang.")
                                || type == BigInteger.class
                                || type == BigDecimal.class)) {
            return "1";
        }
        if (type == boolean.class || type == Boolean.class) {
            return "true";
        }
        if (type.isEnum()) {
            Object[] constants = type.getEnumConstants();
            return constants.length == 0 ? null : "\"" + ((Enum<?>) constants[0]).name() + "\"";
        }
        if (type.isArray() || Collection.class.isAssignableFrom(type)) {
            return "[]";
        }
        if (Map.class.isAssignableFrom(type)) {
            return "{}";
        }
        if (type == java.time.Instant.class) {
            return "\"2026-01-01T00:00:00Z\"";
        }
        if (!type.isRecord() || depth >= MAX_DEPTH) {
            return null;
        }
        StringBuilder json = new StringBuilder("{");
        for (RecordComponent component : type.getRecordComponents()) {
            String value = of(component.getType(), depth + 1);
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
}
