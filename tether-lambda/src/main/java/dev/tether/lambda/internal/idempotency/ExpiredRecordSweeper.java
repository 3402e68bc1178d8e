package dev.tether.lambda.internal.idempotency;

import static java.util.concurrent.TimeUnit.MINUTES;

import dev.tether.lambda.link.DatabaseLink;
import dev.tether.lambda.link.OnLostCommit;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Deletes expired idempotency records a slice at a time, at most once per interval per container, after a batch
 * has committed: a range scan of the expiration index, bounded by a row limit, never a scan of the table.
 */
public final class ExpiredRecordSweeper {

    /** How often a container sweeps. */
    static final long INTERVAL_MS = MINUTES.toMillis(5);

    /** Rows deleted per sweep at most, to keep the statement short. */
    static final int ROWS_PER_SWEEP = 1_000;

    private final DatabaseLink link;
    private final AtomicLong nextSweepMillis = new AtomicLong();

    public ExpiredRecordSweeper(DatabaseLink link) {
        this.link = link;
    }

    /** Deletes up to {@link #ROWS_PER_SWEEP} expired records if a sweep is due; returns how many. */
    public int sweepIfDue(Instant now) {
        long due = nextSweepMillis.get();
        // One sweep per interval per environment, however many invocations end at once: the one that moves the
        // next due time sweeps.
        if (now.toEpochMilli() < due || !nextSweepMillis.compareAndSet(due, now.toEpochMilli() + INTERVAL_MS)) {
            return 0;
        }
        return link.inTransaction(
                OnLostCommit.RETRY,
                tx -> tx.dsl()
                        .deleteFrom(IdempotencyRecords.TABLE)
                        .where(IdempotencyRecords.EXPIRATION.lt(now.getEpochSecond()))
                        .limit(ROWS_PER_SWEEP)
                        .execute());
    }
}
