package dev.tether.lambda.internal.idempotency;

/** The status values of {@code idempotency_records.status}, as Powertools writes them. */
final class IdempotencyRecordStatus {

    static final String IN_PROGRESS = "INPROGRESS";
    static final String COMPLETED = "COMPLETED";

    /** What the {@code @Idempotent} method returns; Powertools stores a String result as it is and hands it back for a duplicate. */
    static final String APPLIED_RESPONSE = "applied";

    private IdempotencyRecordStatus() {}
}
