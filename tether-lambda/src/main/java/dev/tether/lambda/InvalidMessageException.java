package dev.tether.lambda;

/**
 * A message that cannot become an event: names the JSON path at fault and what was expected, never the value
 * (bodies may carry personal data). Thrown by readers and validators; Tether reports the message as a batch item
 * failure (so that SQS redelivers it and, after {@code maxReceiveCount}, moves it to the dead-letter queue), logs its
 * messageId with the path and the reason, and commits the valid messages beside it.
 */
public final class InvalidMessageException extends Exception {

    private static final long serialVersionUID = 1L;

    private final String field;
    private final String reason;

    /** {@code field} is a JSON path such as {@code data.lines[2].quantity}, or {@code body} for the whole body. */
    public InvalidMessageException(String field, String reason) {
        super(field + ": " + reason);
        this.field = field;
        this.reason = reason;
    }

    /** The JSON path of the offending field ({@code data.lines[2].quantity}), or {@code body} for the whole body. */
    public String field() {
        return field;
    }

    /** What is wrong with it, without echoing the value. */
    public String reason() {
        return reason;
    }

    /** The same failure, its path under {@code prefix} ({@code data} + {@code sku} is {@code data.sku}). */
    public InvalidMessageException under(String prefix) {
        if (prefix == null || prefix.isEmpty()) {
            return this;
        }
        String path = field.equals("body") ? prefix : field.startsWith("[") ? prefix + field : prefix + "." + field;
        return new InvalidMessageException(path, reason);
    }
}
