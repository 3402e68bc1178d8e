package dev.tether.lambda.internal.stream;

/** A stream record that cannot be applied; the message names the attribute, the column and what is wrong. */
public final class InvalidRecordException extends Exception {

    private static final long serialVersionUID = 1L;

    public InvalidRecordException(String message) {
        super(message, null, false, false);
    }
}
