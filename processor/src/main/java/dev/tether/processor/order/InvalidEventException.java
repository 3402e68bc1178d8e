package dev.tether.processor.order;

/** A message body that is not a valid order event; names the field at fault and what was expected. */
public final class InvalidEventException extends Exception {

    private static final long serialVersionUID = 1L;

    private final String field;
    private final String reason;

    public InvalidEventException(String field, String reason) {
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
}
