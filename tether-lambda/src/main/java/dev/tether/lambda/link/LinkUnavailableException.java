package dev.tether.lambda.link;

/**
 * The database could not be reached in the time the invocation had: the batch is reported failed as a whole, to be
 * redelivered, and the container stays up. The message carries the last cause (the driver's words).
 */
public final class LinkUnavailableException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public LinkUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
