package dev.tether.lambda.internal.idempotency;

import static org.jooq.impl.DSL.excluded;

import dev.tether.lambda.internal.idempotency.IdempotencyKeys.Key;
import dev.tether.lambda.link.SqlFailures;
import dev.tether.lambda.write.RepeatedRows;
import dev.tether.lambda.write.StatementBytes;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.jooq.DSLContext;
import org.jooq.exception.DataAccessException;
import org.jooq.impl.DSL;

/**
 * Idempotency inside the batch's own transaction: the keys of a whole batch are looked up with one locking read and
 * the new ones recorded with one multi-row upsert (each cut under the statement budget when the batch is large), in
 * the same transaction as the batch's effects. Either an
 * effect and its record commit together or neither does, so there is no "in progress" window to expire or to
 * clean up after a crash.
 *
 * <p>The link runs transactions at READ COMMITTED, so the locking read locks the records it finds and no gap: batches
 * of other keys never wait on each other (concurrent invocations of one environment under Lambda Managed Instances,
 * or many containers). It uses {@code NOWAIT}: a key whose record another transaction holds, or is inserting (a
 * concurrent container working on the same event), fails the read at once instead of waiting; the committer then
 * isolates that message, which is reported failed and redelivered after the visibility timeout, by when the other
 * side has committed (its redelivery is then a duplicate) or rolled back (its redelivery applies). A key that had no
 * record is recorded with a plain {@code INSERT}: if a concurrent transaction recorded the same key after the read,
 * the insert meets it and fails as a serialization failure (SQLState 40001), so the committer runs the batch again,
 * which then finds the key a duplicate. An expired record is replaced under its row lock. Either way an effect never
 * applies twice.
 */
public final class TransactionalIdempotency {

    /** What a key's record says about the message that carries it. */
    public enum Verdict {
        /** Never seen: apply, and record. */
        NEW,
        /** Seen so long ago that its record expired (or its claim was abandoned): apply, and replace the record. */
        REPLACE,
        /** Completed before with the same payload: do not apply; a success. */
        DUPLICATE,
        /** Completed before with another payload: do not apply; a failure that names the key. */
        KEY_REUSED,
        /** Claimed by a Powertools flow that has not finished: do not apply; a failure, to be redelivered. */
        IN_PROGRESS
    }

    private static final RepeatedRows RECORDS_LOCK = new RepeatedRows(
            n -> DSL.select(
                            IdempotencyRecords.ID,
                            IdempotencyRecords.STATUS,
                            IdempotencyRecords.EXPIRATION,
                            IdempotencyRecords.IN_PROGRESS_EXPIRATION,
                            IdempotencyRecords.PAYLOAD_HASH)
                    .from(IdempotencyRecords.TABLE)
                    .where(IdempotencyRecords.ID.in(Collections.nCopies(n, (String) null)))
                    .forUpdate()
                    .noWait(),
            1);

    /** The columns an idempotency record is written with, by the insert of new keys and the upsert alike. */
    private static final List<org.jooq.Field<?>> RECORD_COLUMNS = List.of(
            IdempotencyRecords.ID,
            IdempotencyRecords.STATUS,
            IdempotencyRecords.EXPIRATION,
            IdempotencyRecords.IN_PROGRESS_EXPIRATION,
            IdempotencyRecords.RESPONSE_DATA,
            IdempotencyRecords.PAYLOAD_HASH);

    private static final RepeatedRows RECORDS_INSERT =
            new RepeatedRows(n -> RepeatedRows.insertRows(IdempotencyRecords.TABLE, RECORD_COLUMNS, n), 6);

    private static final RepeatedRows RECORDS_UPSERT = new RepeatedRows(
            n -> {
                var insert = RepeatedRows.insertRows(IdempotencyRecords.TABLE, RECORD_COLUMNS, n);
                return insert.onDuplicateKeyUpdate()
                        .set(IdempotencyRecords.STATUS, excluded(IdempotencyRecords.STATUS))
                        .set(IdempotencyRecords.EXPIRATION, excluded(IdempotencyRecords.EXPIRATION))
                        .set(
                                IdempotencyRecords.IN_PROGRESS_EXPIRATION,
                                excluded(IdempotencyRecords.IN_PROGRESS_EXPIRATION))
                        .set(IdempotencyRecords.RESPONSE_DATA, excluded(IdempotencyRecords.RESPONSE_DATA))
                        .set(IdempotencyRecords.PAYLOAD_HASH, excluded(IdempotencyRecords.PAYLOAD_HASH));
            },
            6);

    private static final int COMPLETED_BYTES = StatementBytes.text(IdempotencyRecordStatus.COMPLETED);
    private static final int RESPONSE_BYTES = StatementBytes.text(IdempotencyRecordStatus.APPLIED_RESPONSE);

    private final Duration expiry;

    public TransactionalIdempotency(Duration expiry) {
        this.expiry = expiry;
    }

    /**
     * One verdict per key, in order, from one locking read: the records that exist (or that a concurrent transaction
     * is inserting) are locked row by row, failing fast if one is held; at READ COMMITTED no gap is locked.
     */
    public List<Verdict> verdicts(DSLContext tx, List<Key> keys, Instant now) {
        List<String> ids = keys.stream().map(Key::id).distinct().toList();
        Map<String, StoredRecord> stored = read(tx, RECORDS_LOCK, ids);
        Map<String, Key> firstInBatch = new HashMap<>();
        List<Verdict> verdicts = new ArrayList<>(keys.size());
        for (Key key : keys) {
            Key first = firstInBatch.putIfAbsent(key.id(), key);
            StoredRecord record = stored.get(key.id());
            Verdict verdict = verdict(record, key, now);
            if (first != null && (verdict == Verdict.NEW || verdict == Verdict.REPLACE)) {
                // The same key earlier in this batch: this one repeats it.
                verdict = first.payloadHash().equals(key.payloadHash()) ? Verdict.DUPLICATE : Verdict.KEY_REUSED;
            }
            verdicts.add(verdict);
        }
        return verdicts;
    }

    private static Map<String, StoredRecord> read(DSLContext tx, RepeatedRows query, List<String> ids) {
        Map<String, StoredRecord> stored = new HashMap<>();
        query.query(tx, ids, (statement, at, id) -> statement.setString(at, id), StatementBytes::text, row -> {
            long inProgress = row.getLong(4);
            stored.put(
                    row.getString(1),
                    new StoredRecord(
                            row.getString(2), row.getLong(3), row.wasNull() ? null : inProgress, row.getString(5)));
        });
        return stored;
    }

    /** What a locked record holds. */
    private record StoredRecord(String status, long expiration, Long inProgressExpiration, String payloadHash) {}

    private static Verdict verdict(StoredRecord record, Key key, Instant now) {
        if (record == null) {
            return Verdict.NEW;
        }
        if (record.expiration() < now.getEpochSecond()) {
            return Verdict.REPLACE;
        }
        if (IdempotencyRecordStatus.IN_PROGRESS.equals(record.status())) {
            Long inProgressUntil = record.inProgressExpiration();
            return inProgressUntil != null && inProgressUntil < now.toEpochMilli()
                    ? Verdict.REPLACE
                    : Verdict.IN_PROGRESS;
        }
        String storedHash = record.payloadHash();
        return storedHash == null || storedHash.isEmpty() || Objects.equals(storedHash, key.payloadHash())
                ? Verdict.DUPLICATE
                : Verdict.KEY_REUSED;
    }

    /**
     * Records as completed the keys of {@code keys} whose verdicts are {@link Verdict#NEW} (a plain insert: a key a
     * concurrent transaction recorded first fails it with SQLState 40001, for the batch to run again) and
     * {@link Verdict#REPLACE} (an upsert, under the row lock the verdict took); one statement each at most.
     */
    public void record(DSLContext tx, List<Key> keys, List<Verdict> verdicts, Instant now) {
        // In id order, so that two transactions recording overlapping keys take their locks in the same order.
        Map<String, Key> fresh = new TreeMap<>();
        Map<String, Key> replaced = new TreeMap<>();
        for (int i = 0; i < keys.size(); i++) {
            Key key = keys.get(i);
            switch (verdicts.get(i)) {
                case NEW -> fresh.putIfAbsent(key.id(), key);
                case REPLACE -> replaced.putIfAbsent(key.id(), key);
                default -> {
                    // Nothing to record: a duplicate, or a message that is not applied.
                }
            }
        }
        long expiration = now.plus(expiry).getEpochSecond();
        if (!fresh.isEmpty()) {
            try {
                write(tx, RECORDS_INSERT, List.copyOf(fresh.values()), expiration);
            } catch (DataAccessException e) {
                SQLException sql = SqlFailures.innermostSql(e);
                if (sql != null && sql.getErrorCode() == DUPLICATE_KEY) {
                    throw new DataAccessException(
                            "an idempotency key was recorded by a concurrent transaction",
                            new SQLException(
                                    "an idempotency key was recorded by a concurrent transaction; run the batch again",
                                    SERIALIZATION_FAILURE,
                                    sql));
                }
                throw e;
            }
        }
        if (!replaced.isEmpty()) {
            write(tx, RECORDS_UPSERT, List.copyOf(replaced.values()), expiration);
        }
    }

    /** MySQL's duplicate-entry error. */
    private static final int DUPLICATE_KEY = 1062;

    /** The SQLState of a transaction to run again: what a deadlock reports, and what the committer retries. */
    private static final String SERIALIZATION_FAILURE = "40001";

    private static void write(DSLContext tx, RepeatedRows statement, List<Key> keys, long expiration) {
        statement.execute(
                tx,
                keys,
                (prepared, at, key) -> {
                    prepared.setString(at, key.id());
                    prepared.setString(at + 1, IdempotencyRecordStatus.COMPLETED);
                    prepared.setLong(at + 2, expiration);
                    prepared.setNull(at + 3, java.sql.Types.BIGINT);
                    prepared.setString(at + 4, IdempotencyRecordStatus.APPLIED_RESPONSE);
                    prepared.setString(at + 5, key.payloadHash());
                },
                key -> StatementBytes.text(key.id())
                        + COMPLETED_BYTES
                        + StatementBytes.integer(expiration)
                        + StatementBytes.NULL
                        + RESPONSE_BYTES
                        + StatementBytes.text(key.payloadHash()));
    }
}
