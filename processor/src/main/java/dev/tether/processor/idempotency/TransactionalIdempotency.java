package dev.tether.processor.idempotency;

import static dev.tether.db.Tables.IDEMPOTENCY_RECORDS;
import static org.jooq.impl.DSL.excluded;

import dev.tether.db.tables.records.IdempotencyRecordsRecord;
import dev.tether.processor.idempotency.IdempotencyKeys.Key;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.TreeMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jooq.DSLContext;
import org.jooq.Row6;
import org.jooq.impl.DSL;

/**
 * Idempotency inside the batch's own transaction: the keys of a whole batch are looked up with one locking read and
 * the new ones recorded with one multi-row upsert, in the same transaction as the batch's effects. Either an
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

    private final Duration expiry;

    public TransactionalIdempotency(Duration expiry) {
        this.expiry = expiry;
    }

    /** One verdict per key, in order; takes row locks on the records that exist, failing fast if one is held. */
    public List<Verdict> verdicts(DSLContext tx, List<Key> keys, Instant now) {
        Map<String, IdempotencyRecordsRecord> stored = new HashMap<>();
        List<String> ids = keys.stream().map(Key::id).distinct().toList();
        tx.selectFrom(IDEMPOTENCY_RECORDS)
                .where(IDEMPOTENCY_RECORDS.ID.in(ids))
                .forUpdate()
                .noWait()
                .fetch()
                .forEach(r -> stored.put(r.getId(), r));
        Map<String, Key> firstInBatch = new HashMap<>();
        List<Verdict> verdicts = new ArrayList<>(keys.size());
        for (Key key : keys) {
            Key first = firstInBatch.putIfAbsent(key.id(), key);
            IdempotencyRecordsRecord record = stored.get(key.id());
            Verdict verdict = verdict(record, key, now);
            if (first != null && verdict == Verdict.NEW) {
                // The same key earlier in this batch: this one repeats it.
                verdict = first.payloadHash().equals(key.payloadHash()) ? Verdict.DUPLICATE : Verdict.KEY_REUSED;
            }
            verdicts.add(verdict);
        }
        return verdicts;
    }

    private static Verdict verdict(IdempotencyRecordsRecord record, Key key, Instant now) {
        if (record == null || record.getExpiration() < now.getEpochSecond()) {
            return Verdict.NEW;
        }
        if (IdempotencyRecordStatus.IN_PROGRESS.equals(record.getStatus())) {
            Long inProgressUntil = record.getInProgressExpiration();
            return inProgressUntil != null && inProgressUntil < now.toEpochMilli() ? Verdict.NEW : Verdict.IN_PROGRESS;
        }
        String storedHash = record.getPayloadHash();
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
        List<Row6<String, String, Long, Long, String, String>> rows = new ArrayList<>(distinct.size());
        for (Key key : distinct.values()) {
            rows.add(DSL.row(
                    key.id(),
                    IdempotencyRecordStatus.COMPLETED,
                    expiration,
                    (Long) null,
                    IdempotencyRecordStatus.APPLIED_RESPONSE,
                    key.payloadHash()));
        }
        tx.insertInto(
                        IDEMPOTENCY_RECORDS,
                        IDEMPOTENCY_RECORDS.ID,
                        IDEMPOTENCY_RECORDS.STATUS,
                        IDEMPOTENCY_RECORDS.EXPIRATION,
                        IDEMPOTENCY_RECORDS.IN_PROGRESS_EXPIRATION,
                        IDEMPOTENCY_RECORDS.RESPONSE_DATA,
                        IDEMPOTENCY_RECORDS.PAYLOAD_HASH)
                .valuesOfRows(rows)
                .onDuplicateKeyUpdate()
                .set(IDEMPOTENCY_RECORDS.STATUS, excluded(IDEMPOTENCY_RECORDS.STATUS))
                .set(IDEMPOTENCY_RECORDS.EXPIRATION, excluded(IDEMPOTENCY_RECORDS.EXPIRATION))
                .set(IDEMPOTENCY_RECORDS.IN_PROGRESS_EXPIRATION, excluded(IDEMPOTENCY_RECORDS.IN_PROGRESS_EXPIRATION))
                .set(IDEMPOTENCY_RECORDS.RESPONSE_DATA, excluded(IDEMPOTENCY_RECORDS.RESPONSE_DATA))
                .set(IDEMPOTENCY_RECORDS.PAYLOAD_HASH, excluded(IDEMPOTENCY_RECORDS.PAYLOAD_HASH))
                .execute();
    }
}
