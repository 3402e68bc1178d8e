package dev.tether.lambda.link;

/**
 * What the link does when the connection fails while a transaction's COMMIT is under way: the server may have
 * committed, or not, and nothing on the client can tell which.
 */
public enum OnLostCommit {
    /**
     * Run the transaction again on a new connection. Only for work whose own statements make a repeat harmless: it
     * checks the idempotency records it writes, a version or a sequence guard, or it only reads.
     */
    RETRY,
    /**
     * Fail with {@link CommitOutcomeUnknownException}: the caller reports the work failed for redelivery, which may
     * apply it a second time, but never loses it.
     */
    REPORT
}
