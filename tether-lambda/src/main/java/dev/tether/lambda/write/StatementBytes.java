package dev.tether.lambda.write;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.LocalDate;
import java.time.LocalDateTime;
import org.jooq.EnumType;
import org.jooq.JSON;

/**
 * The bytes a bound value takes in a statement's text, as Connector/J writes it with client-side binding: strings
 * quoted, UTF-8, with NUL, line breaks, the single quote, backslash and Ctrl-Z escaped; numbers as their digits; binary in
 * hexadecimal. Each figure is exact or a few bytes over, never under, so that a statement cut to a budget by
 * these figures fits it ({@code RepeatedRowsIT} checks them against the driver's own text).
 */
public final class StatementBytes {

    /** {@code NULL}. */
    public static final int NULL = 4;

    /** {@code 1} or {@code 0}. */
    public static final int BOOLEAN = 1;

    /** {@code '2026-11-26 10:15:30.123456789'}, the longest form of a date-time. */
    public static final int DATE_TIME = 31;

    /** {@code '2026-11-26'}. */
    public static final int DATE = 12;

    /** Quotes around a string literal, and {@code x'} and {@code '} around a binary one. */
    private static final int QUOTES = 2;

    private static final int HEX_QUOTES = 3;

    private StatementBytes() {}

    /** A string literal: quotes, and each character's UTF-8 bytes, two for one that is escaped. */
    public static int text(String value) {
        int bytes = QUOTES;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x80) {
                bytes += isEscaped(c) ? 2 : 1;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c)
                    && i + 1 < value.length()
                    && Character.isLowSurrogate(value.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else if (Character.isSurrogate(c)) {
                // A lone surrogate cannot be encoded: UTF-8 writes '?' in its place.
                bytes += 1;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }

    /** A whole number: its digits and sign. */
    public static int integer(long value) {
        if (value == Long.MIN_VALUE) {
            return 20;
        }
        int bytes = value < 0 ? 2 : 1;
        for (long v = Math.abs(value); v >= 10; v /= 10) {
            bytes++;
        }
        return bytes;
    }

    /** A decimal, written plainly (no exponent). */
    public static int decimal(BigDecimal value) {
        return value.toPlainString().length();
    }

    /** A binary literal, which Connector/J writes in hexadecimal: {@code x'0a1b…'}. */
    public static int bytes(byte[] value) {
        return HEX_QUOTES + 2 * value.length;
    }

    /** Any value as {@link RepeatedRows#bind} binds it. */
    public static int of(Object value) {
        if (value == null) {
            return NULL;
        } else if (value instanceof String s) {
            return text(s);
        } else if (value instanceof Long
                || value instanceof Integer
                || value instanceof Short
                || value instanceof Byte) {
            return integer(((Number) value).longValue());
        } else if (value instanceof Boolean) {
            return BOOLEAN;
        } else if (value instanceof BigDecimal d) {
            return decimal(d);
        } else if (value instanceof BigInteger i) {
            return i.toString().length();
        } else if (value instanceof JSON json) {
            return text(json.data());
        } else if (value instanceof EnumType e) {
            return text(e.getLiteral());
        } else if (value instanceof byte[] b) {
            return bytes(b);
        } else if (value instanceof LocalDateTime) {
            return DATE_TIME;
        } else if (value instanceof LocalDate) {
            return DATE;
        }
        // Anything else goes through setObject as text: its string form, escaped at worst, quoted.
        return 2 * value.toString().length() + QUOTES;
    }

    /** The characters Connector/J escapes in a single-quoted literal (the double quote is left as it is). */
    private static boolean isEscaped(char c) {
        return c == 0 || c == '\n' || c == '\r' || c == '\\' || c == '\'' || c == '\032';
    }
}
