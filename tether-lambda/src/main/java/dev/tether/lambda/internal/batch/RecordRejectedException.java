package dev.tether.lambda.internal.batch;

/** A record that was not applied for a reason of its own (not a database error); the message says which. */
public final class RecordRejectedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public RecordRejectedException(String message) {
        super(message, null, false, false);
    }
}
