package dev.tether.processor.order;

/**
 * A cursor over the plainest JSON: objects, arrays, strings without escapes, integers that fit in 18 digits, and the
 * literals. It reads such text exactly as Jackson does and gives up ({@link GiveUp}) at anything else: an escape, a
 * control character, a fraction or exponent, a malformed token. Whoever gives up hands the text to a full parser.
 */
final class JsonCursor {

    /** The text is not of the plain kind this cursor reads; not a verdict on its validity. */
    static final class GiveUp extends Exception {
        private static final long serialVersionUID = 1L;
        static final GiveUp INSTANCE = new GiveUp();

        private GiveUp() {
            super(null, null, false, false);
        }
    }

    /** Digits of the longest integer read: every 18-digit number fits a long. */
    private static final int MAX_DIGITS = 18;

    /** The text's characters: scanning an array is several times cheaper than {@code charAt} on the string. */
    private final char[] text;

    private int at;
    private int lastHash;

    JsonCursor(String text) {
        this.text = text.toCharArray();
    }

    /** The next character after JSON white space, without taking it; -1 at the end of the text. */
    int peek() {
        while (at < text.length) {
            char c = text[at];
            if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
                return c;
            }
            at++;
        }
        return -1;
    }

    /** Takes {@code c}, the next character after white space, or gives up. */
    void expect(char c) throws GiveUp {
        if (peek() != c) {
            throw GiveUp.INSTANCE;
        }
        at++;
    }

    /** Takes {@code c} if it comes next (after white space). */
    boolean take(char c) {
        if (peek() == c) {
            at++;
            return true;
        }
        return false;
    }

    /** Whether only white space is left. */
    boolean atEnd() {
        return peek() == -1;
    }

    /** Whether a string comes next. */
    boolean stringNext() {
        return peek() == '"';
    }

    /** A string without escapes or control characters. */
    String string() throws GiveUp {
        int start = openString();
        return new String(text, start, closeString() - start);
    }

    /**
     * A field name: the one of {@code known} it spells, without copying it (the usual case), else a new string. The
     * name's hash is taken as it is scanned, so a known name costs one comparison of hashes and one of characters.
     */
    String name(String[] known) throws GiveUp {
        int start = openString();
        int length = closeString() - start;
        for (String name : known) {
            if (name.hashCode() == lastHash && name.length() == length && spells(start, name)) {
                return name;
            }
        }
        return new String(text, start, length);
    }

    private boolean spells(int start, String name) {
        for (int i = 0; i < name.length(); i++) {
            if (text[start + i] != name.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** Takes the opening quote; returns where the string's characters start. */
    private int openString() throws GiveUp {
        expect('"');
        return at;
    }

    /**
     * Moves past the closing quote; returns where the string's characters end, and leaves their
     * {@link String#hashCode} in {@link #lastHash}.
     */
    private int closeString() throws GiveUp {
        int hash = 0;
        for (; at < text.length; at++) {
            char c = text[at];
            if (c == '"') {
                lastHash = hash;
                return at++;
            }
            if (c == '\\' || c < ' ') {
                throw GiveUp.INSTANCE;
            }
            hash = 31 * hash + c;
        }
        throw GiveUp.INSTANCE;
    }

    /** Whether an integer (or any number) comes next. */
    boolean numberNext() {
        int c = peek();
        return c == '-' || (c >= '0' && c <= '9');
    }

    /**
     * An integer of at most 18 digits, without leading zeros. What follows it is the caller's to check: a fraction,
     * an exponent or a letter then fails the caller's next {@link #expect} or {@link #take}.
     */
    long integer() throws GiveUp {
        boolean negative = take('-');
        int start = at;
        long value = 0;
        while (at < text.length) {
            char c = text[at];
            if (c < '0' || c > '9') {
                break;
            }
            value = value * 10 + (c - '0');
            at++;
        }
        int digits = at - start;
        if (digits == 0 || digits > MAX_DIGITS || (digits > 1 && text[start] == '0')) {
            throw GiveUp.INSTANCE;
        }
        if (at < text.length && (text[at] == '.' || text[at] == 'e' || text[at] == 'E')) {
            throw GiveUp.INSTANCE;
        }
        return negative ? -value : value;
    }

    private boolean literal(String word) {
        if (at + word.length() <= text.length && spells(at, word)) {
            at += word.length();
            return true;
        }
        return false;
    }

    /** Skips a string, an integer or a literal (the value of a field nobody reads); gives up at an object or array. */
    void skipScalar() throws GiveUp {
        int c = peek();
        if (c == '"') {
            string();
        } else if (numberNext()) {
            integer();
        } else if (literal("true") || literal("false") || literal("null")) {
            return;
        } else {
            throw GiveUp.INSTANCE;
        }
    }
}
