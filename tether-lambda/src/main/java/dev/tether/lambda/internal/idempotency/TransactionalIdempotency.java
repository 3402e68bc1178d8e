package dev.tether.lambda.internal.idempotency;

import static org.jooq.impl.DSL.excluded;

import dev.tether.lambda.internal.idempotency.IdempotencyKeys.Key;
import dev.tether.lambda.write.RepeatedRows;
import dev.tether.lambda.write.StatementBytes;
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
import org.jooq.impl.DSL;

/**
 * Idempotency inside the batch's own transaction: the keys of a whole batch are looked up with one locking read and
 * the new ones recorded with one multi-row upsert (each cut under the statement budget when the batch is large), in
 * the same transaction as the batch's effects. Either an
 * effect and its record commit together or neither does, so there is no "in progress" window to expire or to
 * clean up after a crash.
 *
 * <p>The locking read uses {@code NOWAIT}: a key whose record another transaction holds (a concurrent container
 * working on the same event) fails the read at once instead of waiting; the committer then isolates that message,
 * which is reported failed and redelivered after the visibility timeout, by when the other side has committed
 * (its redelivery is then a duplicate) or rolled back (its redelivery applies).
 */
public final class TransactionalIdempotency {

    /** What a key's record says about the message that carries it. */
    public enum Verdict {
        /** Never seen, or seen so long ago that the record expired: apply, and record. */
        NEW,
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

    private static final RepeatedRows RECORDS_UPSERT = new RepeatedRows(
            n -> {
                var insert = RepeatedRows.insertRows(
                        IdempotencyRecords.TABLE,
                        List.of(
                                IdempotencyRecords.ID,
                                IdempotencyRecords.STATUS,
                                IdempotencyRecords.EXPIRATION,
                                IdempotencyRecords.IN_PROGRESS_EXPIRATION,
                                IdempotencyRecords.RESPONSE_DATA,
                                IdempotencyRecords.PAYLOAD_HASH),
                        n);
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

    /** One verdict per key, in order; takes row locks on the records that exist, failing fast if one is held. */
    public List<Verdict> verdicts(DSLContext tx, List<Key> keys, Instant now) {
        Map<String, StoredRecord> stored = new HashMap<>();
        List<String> ids = keys.stream().map(Key::id).distinct().toList();
        RECORDS_LOCK.query(tx, ids, (statement, at, id) -> statement.setString(at, id), StatementBytes::text, row -> {
            long inProgress = row.getLong(4);
            stored.put(
                    row.getString(1),
                    new StoredRecord(
                            row.getString(2), row.getLong(3), row.wasNull() ? null : inProgress, row.getString(5)));
        });
        Map<String, Key> firstInBatch = new HashMap<>();
        List<Verdict> verdicts = new ArrayList<>(keys.size());
        for (Key key : keys) {
            Key first = firstInBatch.putIfAbsent(key.id(), key);
            StoredRecord record = stored.get(key.id());
            Verdict verdict = verdict(record, key, now);
            if (first != null && verdict == Verdict.NEW) {
                // The same key earlier in this batch: this one repeats it.
                verdict = first.payloadHash().equals(key.payloadHash()) ? Verdict.DUPLICATE : Verdict.KEY_REUSED;
            }
            verdicts.add(verdict);
        }
        return verdicts;
    }

    /** What a locked record holds. */
    private record StoredRecord(String status, long expiration, Long inProgressExpiration, String payloadHash) {}

    private static Verdict verdict(StoredRecord record, Key key, Instant now) {
        if (record == null || record.expiration() < now.getEpochSecond()) {
            return Verdict.NEW;
        }
        if (IdempotencyRecordStatus.IN_PROGRESS.equals(record.status())) {
            Long inProgressUntil = record.inProgressExpiration();
            return inProgressUntil != null && inProgressUntil < now.toEpochMilli() ? Verdict.NEW : Verdict.IN_PROGRESS;
        }
        String storedHash = record.payloadHash();
        return storedHash == null || storedHash.isEmpty() || Objects.equals(storedHash, key.payloadHash())
                ? Verdict.DUPLICATE
                : Verdict.KEY_REUSED;
    }

    /** Records {@code keys} as completed, in one statement; expired records of the same keys are replaced. */
    public void record(DSLContext tx, List<Key> keys, Instant now) {
        if (keys.isEmpty()) {
            return;
        }
        // In id order, so that two containers recording overlapping keys take their locks in the same order.
        Map<String, Key> distinct = new TreeMap<>();
        keys.forEach(k -> distinct.putIfAbsent(k.id(), k));
        long expiration = now.plus(expiry).getEpochSecond();
        RECORDS_UPSERT.execute(
                tx,
                List.copyOf(distinct.values()),
                (statement, at, key) -> {
                    statement.setString(at, key.id());
                    statement.setString(at + 1, IdempotencyRecordStatus.COMPLETED);
                    statement.setLong(at + 2, expiration);
                    statement.setNull(at + 3, java.sql.Types.BIGINT);
                    statement.setString(at + 4, IdempotencyRecordStatus.APPLIED_RESPONSE);
                    statement.setString(at + 5, key.payloadHash());
                },
                key -> StatementBytes.text(key.id())
                        + COMPLETED_BYTES
                        + StatementBytes.integer(expiration)
                        + StatementBytes.NULL
                        + RESPONSE_BYTES
                        + StatementBytes.text(key.payloadHash()));
    }
}
