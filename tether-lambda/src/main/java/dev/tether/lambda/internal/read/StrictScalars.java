package dev.tether.lambda.internal.read;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.module.SimpleModule;
import dev.tether.lambda.InvalidMessageException;
import dev.tether.lambda.json.JsonChecks;
import dev.tether.lambda.json.UtcTimestamps;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.ResolverStyle;
import java.util.UUID;

/**
 * The strict binding's own readers of the value types Jackson reads leniently or not at all: an instant or a date
 * only from ISO-8601 text (a number is never a time), a UUID only as 8-4-4-4-12 hexadecimal digits (not base64),
 * a decimal exactly from the JSON text with a bounded exponent, a double only when finite.
 */
final class StrictScalars {

    /** The largest exponent a {@link BigDecimal} may carry: {@code 1e999999999} is eleven bytes of JSON. */
    static final int MAX_DECIMAL_EXPONENT = 1000;

    private static final DateTimeFormatter OFFSET_DATE_TIME =
            DateTimeFormatter.ISO_OFFSET_DATE_TIME.withResolverStyle(ResolverStyle.STRICT);

    private static final DateTimeFormatter LOCAL_DATE =
            DateTimeFormatter.ISO_LOCAL_DATE.withResolverStyle(ResolverStyle.STRICT);

    private StrictScalars() {}

    static SimpleModule module() {
        SimpleModule module = new SimpleModule("tether-strict-scalars");
        module.addDeserializer(Instant.class, new Text<>(Instant.class) {
            @Override
            Instant parse(String text) {
                Instant common = UtcTimestamps.parse(text);
                return common != null
                        ? common
                        : OffsetDateTime.parse(text, OFFSET_DATE_TIME).toInstant();
            }
        });
        module.addDeserializer(OffsetDateTime.class, new Text<>(OffsetDateTime.class) {
            @Override
            OffsetDateTime parse(String text) {
                return OffsetDateTime.parse(text, OFFSET_DATE_TIME);
            }
        });
        module.addDeserializer(LocalDate.class, new Text<>(LocalDate.class) {
            @Override
            LocalDate parse(String text) {
                return LocalDate.parse(text, LOCAL_DATE);
            }
        });
        module.addDeserializer(UUID.class, new Text<>(UUID.class) {
            @Override
            UUID parse(String text) {
                try {
                    return JsonChecks.uuid(text, "");
                } catch (InvalidMessageException e) {
                    throw new IllegalArgumentException(e);
                }
            }
        });
        module.addDeserializer(BigDecimal.class, new ExactDecimal());
        Finite finite = new Finite();
        module.addDeserializer(Double.class, finite);
        module.addDeserializer(double.class, finite);
        return module;
    }

    /** The text of {@link StrictBinding#expected} for the types read here; null for others. */
    static String expected(Class<?> type) {
        if (type == Instant.class) {
            return "an ISO-8601 instant with Z or an offset, such as 2026-11-26T10:15:30Z (a string)";
        }
        if (type == OffsetDateTime.class) {
            return "an ISO-8601 date and time with Z or an offset, such as 2026-11-26T10:15:30+01:00 (a string)";
        }
        if (type == LocalDate.class) {
            return "an ISO-8601 date such as 2026-11-26 (a string)";
        }
        if (type == UUID.class) {
            return "a UUID of 8-4-4-4-12 hexadecimal digits (a string)";
        }
        if (type == BigDecimal.class) {
            return "a number with an exponent between -" + MAX_DECIMAL_EXPONENT + " and " + MAX_DECIMAL_EXPONENT;
        }
        if (type == double.class || type == Double.class) {
            return "a number within the range of a double";
        }
        return null;
    }

    private static MismatchedInputException mismatch(JsonParser parser, Class<?> type) {
        return MismatchedInputException.from(parser, type, "expected " + expected(type));
    }

    /** A value written as JSON text and parsed from it; any other token, or text that does not parse, is refused. */
    private abstract static class Text<T> extends JsonDeserializer<T> {
        private final Class<T> type;

        Text(Class<T> type) {
            this.type = type;
        }

        abstract T parse(String text);

        @Override
        public T deserialize(JsonParser parser, DeserializationContext context) throws IOException {
            if (parser.currentToken() != JsonToken.VALUE_STRING) {
                throw mismatch(parser, type);
            }
            try {
                return parse(parser.getText());
            } catch (DateTimeException | IllegalArgumentException e) {
                throw mismatch(parser, type);
            }
        }

        @Override
        public Class<?> handledType() {
            return type;
        }
    }

    /** A decimal from the number's own text, never through a double; an exponent past the bound is refused. */
    private static final class ExactDecimal extends JsonDeserializer<BigDecimal> {
        @Override
        public BigDecimal deserialize(JsonParser parser, DeserializationContext context) throws IOException {
            JsonToken token = parser.currentToken();
            if (token != JsonToken.VALUE_NUMBER_INT && token != JsonToken.VALUE_NUMBER_FLOAT) {
                throw mismatch(parser, BigDecimal.class);
            }
            BigDecimal value;
            try {
                value = new BigDecimal(parser.getText());
            } catch (NumberFormatException e) {
                throw mismatch(parser, BigDecimal.class);
            }
            int exponent = value.precision() - value.scale() - 1;
            if (Math.abs(value.scale()) > MAX_DECIMAL_EXPONENT || Math.abs(exponent) > MAX_DECIMAL_EXPONENT) {
                throw mismatch(parser, BigDecimal.class);
            }
            return value;
        }

        @Override
        public Class<?> handledType() {
            return BigDecimal.class;
        }
    }

    /** A double that is finite: {@code 1e400} is not infinity. */
    private static final class Finite extends JsonDeserializer<Double> {
        @Override
        public Double deserialize(JsonParser parser, DeserializationContext context) throws IOException {
            JsonToken token = parser.currentToken();
            if (token != JsonToken.VALUE_NUMBER_INT && token != JsonToken.VALUE_NUMBER_FLOAT) {
                throw mismatch(parser, Double.class);
            }
            double value = parser.getDoubleValue();
            if (!Double.isFinite(value)) {
                throw mismatch(parser, Double.class);
            }
            return value;
        }

        @Override
        public Class<?> handledType() {
            return Double.class;
        }
    }
}
