package dev.tether.lambda.link;

/**
 * The connection failed during COMMIT of work that a repeat could apply twice: the transaction may or may not have
 * committed. The work is reported failed (redelivered), never retried on the spot and never reported done.
 */
public final class CommitOutcomeUnknownException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    CommitOutcomeUnknownException(Throwable cause) {
        super(
                "the connection was lost during COMMIT; the transaction may have committed: "
                        + SqlFailures.describe(cause),
                cause);
    }
}
