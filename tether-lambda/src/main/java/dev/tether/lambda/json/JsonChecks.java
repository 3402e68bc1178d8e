package dev.tether.lambda.json;

import dev.tether.lambda.InvalidMessageException;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

/**
 * The checks that readers and validators share, each naming the JSON path it was given and what was expected,
 * never the value. Tether's envelope uses them for {@code eventId} and {@code occurredAt}; a route's validator uses
 * them for its own fields.
 */
public final class JsonChecks {

    /** DATETIME(6) holds years 1000 to 9999 (MySQL manual, "The DATE, DATETIME, and TIMESTAMP Types"). */
    private static final Instant EARLIEST =
            LocalDate.of(1000, 1, 1).atStartOfDay().toInstant(ZoneOffset.UTC);

    private static final Instant LATEST =
            LocalDate.of(10000, 1, 1).atStartOfDay().toInstant(ZoneOffset.UTC);

    private JsonChecks() {}

    /** A UUID written as 8-4-4-4-12 hexadecimal digits (either case). */
    public static UUID uuid(String value, String path) throws InvalidMessageException {
        if (value == null) {
            throw new InvalidMessageException(path, "is required");
        }
        if (value.length() != 36
                || value.charAt(8) != '-'
                || value.charAt(13) != '-'
                || value.charAt(18) != '-'
                || value.charAt(23) != '-') {
            throw new InvalidMessageException(path, "must be a UUID (8-4-4-4-12 hexadecimal digits)");
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
                throw new InvalidMessageException(path, "must be a UUID (8-4-4-4-12 hexadecimal digits)");
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
     * An ISO-8601 instant with a zone or offset, between the years 1000 and 9999, truncated to microseconds (what
     * DATETIME(6) keeps). The usual shape ({@code 2026-11-26T10:15:30.123456Z}) is read directly; any other goes to
     * {@code ISO_INSTANT}.
     */
    public static Instant instant(String value, String path) throws InvalidMessageException {
        if (value == null) {
            throw new InvalidMessageException(path, "is required");
        }
        Instant common = UtcTimestamps.parse(value);
        if (common != null) {
            return common.truncatedTo(ChronoUnit.MICROS);
        }
        Instant instant;
        try {
            instant = DateTimeFormatter.ISO_INSTANT.parse(value, Instant::from);
        } catch (DateTimeException e) {
            throw new InvalidMessageException(path, "must be an ISO-8601 instant such as 2026-11-26T10:15:30.123456Z");
        }
        if (instant.isBefore(EARLIEST) || !instant.isBefore(LATEST)) {
            throw new InvalidMessageException(path, "must lie between the years 1000 and 9999");
        }
        return instant.truncatedTo(ChronoUnit.MICROS);
    }

    /**
     * An id: 1 to {@code maxLength} printable characters (code points), without leading or trailing white space,
     * which MySQL's PAD SPACE collations would compare as equal to the id without it.
     */
    public static String id(String value, String path, int maxLength) throws InvalidMessageException {
        if (value == null) {
            throw new InvalidMessageException(path, "is required");
        }
        if (isPlainAscii(value, maxLength)) {
            return value;
        }
        int length = value.codePointCount(0, value.length());
        if (length == 0 || length > maxLength) {
            throw new InvalidMessageException(path, "must be 1 to " + maxLength + " characters long");
        }
        for (int i = 0; i < value.length(); ) {
            int codePoint = value.codePointAt(i);
            if (!isPrintable(codePoint)) {
                throw new InvalidMessageException(path, "must contain printable characters only");
            }
            i += Character.charCount(codePoint);
        }
        if (Character.isWhitespace(value.codePointAt(0))
                || Character.isWhitespace(value.codePointBefore(value.length()))) {
            throw new InvalidMessageException(path, "must not start or end with white space");
        }
        return value;
    }

    /** A whole number between {@code min} and {@code max}. */
    public static long range(long value, String path, long min, long max) throws InvalidMessageException {
        if (value < min || value > max) {
            throw new InvalidMessageException(path, "must be between " + min + " and " + max);
        }
        return value;
    }

    /** A whole number other than zero. */
    public static long nonZero(long value, String path) throws InvalidMessageException {
        if (value == 0) {
            throw new InvalidMessageException(path, "must not be zero");
        }
        return value;
    }

    /** 1 to {@code max} printable ASCII characters, the first and last not a space: the usual id, in one pass. */
    private static boolean isPlainAscii(String value, int max) {
        int length = value.length();
        if (length == 0 || length > max || value.charAt(0) == ' ' || value.charAt(length - 1) == ' ') {
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
}
