package dev.tether.lambda.internal.idempotency;

import dev.tether.lambda.link.DatabaseLink;
import dev.tether.lambda.link.OnLostCommit;
import java.time.Instant;
import java.util.OptionalLong;
import software.amazon.lambda.powertools.idempotency.exceptions.IdempotencyItemAlreadyExistsException;
import software.amazon.lambda.powertools.idempotency.exceptions.IdempotencyItemNotFoundException;
import software.amazon.lambda.powertools.idempotency.persistence.BasePersistenceStore;
import software.amazon.lambda.powertools.idempotency.persistence.DataRecord;

/**
 * A Powertools (v1) persistence store in MySQL, on the container's link, in the table the transactional mode uses.
 * Each call is its own short transaction: Powertools' flow needs the "in progress" record visible to other
 * containers before the work starts. Each may run again after a lost COMMIT: a read, an update to the same values
 * and a delete repeat harmlessly, and a repeated put finds its own record and reports the key taken, so the message
 * is redelivered rather than applied twice.
 */
public final class MySqlPersistenceStore extends BasePersistenceStore {

    private final DatabaseLink link;

    public MySqlPersistenceStore(DatabaseLink link) {
        this.link = link;
    }

    @Override
    public DataRecord getRecord(String idempotencyKey) throws IdempotencyItemNotFoundException {
        org.jooq.Record record = link.inTransaction(
                OnLostCommit.RETRY,
                tx -> tx.dsl()
                        .select(
                                IdempotencyRecords.ID,
                                IdempotencyRecords.STATUS,
                                IdempotencyRecords.EXPIRATION,
                                IdempotencyRecords.IN_PROGRESS_EXPIRATION,
                                IdempotencyRecords.RESPONSE_DATA,
                                IdempotencyRecords.PAYLOAD_HASH)
                        .from(IdempotencyRecords.TABLE)
                        .where(IdempotencyRecords.ID.eq(idempotencyKey))
                        .fetchOne());
        if (record == null) {
            throw new IdempotencyItemNotFoundException(idempotencyKey);
        }
        return new DataRecord(
                record.get(IdempotencyRecords.ID),
                DataRecord.Status.valueOf(record.get(IdempotencyRecords.STATUS)),
                record.get(IdempotencyRecords.EXPIRATION),
                record.get(IdempotencyRecords.RESPONSE_DATA),
                record.get(IdempotencyRecords.PAYLOAD_HASH),
                record.get(IdempotencyRecords.IN_PROGRESS_EXPIRATION) == null
                        ? OptionalLong.empty()
                        : OptionalLong.of(record.get(IdempotencyRecords.IN_PROGRESS_EXPIRATION)));
    }

    /**
     * The conditional put Powertools requires: succeeds when no record exists, when the existing one expired, or
     * when it is an "in progress" record whose own deadline passed; otherwise the key is taken.
     */
    @Override
    public void putRecord(DataRecord record, Instant now) throws IdempotencyItemAlreadyExistsException {
        boolean put = link.inTransaction(OnLostCommit.RETRY, tx -> {
            org.jooq.Record existing = tx.dsl()
                    .select(
                            IdempotencyRecords.ID,
                            IdempotencyRecords.STATUS,
                            IdempotencyRecords.EXPIRATION,
                            IdempotencyRecords.IN_PROGRESS_EXPIRATION,
                            IdempotencyRecords.RESPONSE_DATA,
                            IdempotencyRecords.PAYLOAD_HASH)
                    .from(IdempotencyRecords.TABLE)
                    .where(IdempotencyRecords.ID.eq(record.getIdempotencyKey()))
                    .forUpdate()
                    .fetchOne();
            if (existing != null && !replaceable(existing, now)) {
                return false;
            }
            Long inProgressUntil = record.getInProgressExpiryTimestamp().isPresent()
                    ? record.getInProgressExpiryTimestamp().getAsLong()
                    : null;
            tx.dsl()
                    .insertInto(IdempotencyRecords.TABLE)
                    .set(IdempotencyRecords.ID, record.getIdempotencyKey())
                    .set(IdempotencyRecords.STATUS, record.getStatus().toString())
                    .set(IdempotencyRecords.EXPIRATION, record.getExpiryTimestamp())
                    .set(IdempotencyRecords.IN_PROGRESS_EXPIRATION, inProgressUntil)
                    .set(IdempotencyRecords.PAYLOAD_HASH, record.getPayloadHash())
                    .onDuplicateKeyUpdate()
                    .set(IdempotencyRecords.STATUS, record.getStatus().toString())
                    .set(IdempotencyRecords.EXPIRATION, record.getExpiryTimestamp())
                    .set(IdempotencyRecords.IN_PROGRESS_EXPIRATION, inProgressUntil)
                    .setNull(IdempotencyRecords.RESPONSE_DATA)
                    .set(IdempotencyRecords.PAYLOAD_HASH, record.getPayloadHash())
                    .execute();
            return true;
        });
        if (!put) {
            throw new IdempotencyItemAlreadyExistsException(
                    "Failed to put record for already existing idempotency key: " + record.getIdempotencyKey(), null);
        }
    }

    private static boolean replaceable(org.jooq.Record existing, Instant now) {
        if (existing.get(IdempotencyRecords.EXPIRATION) < now.getEpochSecond()) {
            return true;
        }
        Long inProgressUntil = existing.get(IdempotencyRecords.IN_PROGRESS_EXPIRATION);
        return IdempotencyRecordStatus.IN_PROGRESS.equals(existing.get(IdempotencyRecords.STATUS))
                && inProgressUntil != null
                && inProgressUntil < now.toEpochMilli();
    }

    @Override
    public void updateRecord(DataRecord record) {
        link.inTransaction(
                OnLostCommit.RETRY,
                tx -> tx.dsl()
                        .update(IdempotencyRecords.TABLE)
                        .set(IdempotencyRecords.STATUS, record.getStatus().toString())
                        .set(IdempotencyRecords.EXPIRATION, record.getExpiryTimestamp())
                        .set(IdempotencyRecords.RESPONSE_DATA, record.getResponseData())
                        .set(IdempotencyRecords.PAYLOAD_HASH, record.getPayloadHash())
                        .where(IdempotencyRecords.ID.eq(record.getIdempotencyKey()))
                        .execute());
    }

    @Override
    public void deleteRecord(String idempotencyKey) {
        link.inTransaction(
                OnLostCommit.RETRY,
                tx -> tx.dsl()
                        .deleteFrom(IdempotencyRecords.TABLE)
                        .where(IdempotencyRecords.ID.eq(idempotencyKey))
                        .execute());
    }
}
