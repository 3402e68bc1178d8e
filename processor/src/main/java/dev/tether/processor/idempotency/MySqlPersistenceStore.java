package dev.tether.processor.idempotency;

import static dev.tether.db.Tables.IDEMPOTENCY_RECORDS;

import dev.tether.db.tables.records.IdempotencyRecordsRecord;
import dev.tether.processor.link.DatabaseLink;
import dev.tether.processor.link.OnLostCommit;
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
        IdempotencyRecordsRecord record = link.inTransaction(OnLostCommit.RETRY, tx -> tx.dsl()
                .selectFrom(IDEMPOTENCY_RECORDS)
                .where(IDEMPOTENCY_RECORDS.ID.eq(idempotencyKey))
                .fetchOne());
        if (record == null) {
            throw new IdempotencyItemNotFoundException(idempotencyKey);
        }
        return new DataRecord(
                record.getId(),
                DataRecord.Status.valueOf(record.getStatus()),
                record.getExpiration(),
                record.getResponseData(),
                record.getPayloadHash(),
                record.getInProgressExpiration() == null
                        ? OptionalLong.empty()
                        : OptionalLong.of(record.getInProgressExpiration()));
    }

    /**
     * The conditional put Powertools requires: succeeds when no record exists, when the existing one expired, or
     * when it is an "in progress" record whose own deadline passed; otherwise the key is taken.
     */
    @Override
    public void putRecord(DataRecord record, Instant now) throws IdempotencyItemAlreadyExistsException {
        boolean put = link.inTransaction(OnLostCommit.RETRY, tx -> {
            IdempotencyRecordsRecord existing = tx.dsl()
                    .selectFrom(IDEMPOTENCY_RECORDS)
                    .where(IDEMPOTENCY_RECORDS.ID.eq(record.getIdempotencyKey()))
                    .forUpdate()
                    .fetchOne();
            if (existing != null && !replaceable(existing, now)) {
                return false;
            }
            Long inProgressUntil = record.getInProgressExpiryTimestamp().isPresent()
                    ? record.getInProgressExpiryTimestamp().getAsLong()
                    : null;
            tx.dsl().insertInto(IDEMPOTENCY_RECORDS)
                    .set(IDEMPOTENCY_RECORDS.ID, record.getIdempotencyKey())
                    .set(IDEMPOTENCY_RECORDS.STATUS, record.getStatus().toString())
                    .set(IDEMPOTENCY_RECORDS.EXPIRATION, record.getExpiryTimestamp())
                    .set(IDEMPOTENCY_RECORDS.IN_PROGRESS_EXPIRATION, inProgressUntil)
                    .set(IDEMPOTENCY_RECORDS.PAYLOAD_HASH, record.getPayloadHash())
                    .onDuplicateKeyUpdate()
                    .set(IDEMPOTENCY_RECORDS.STATUS, record.getStatus().toString())
                    .set(IDEMPOTENCY_RECORDS.EXPIRATION, record.getExpiryTimestamp())
                    .set(IDEMPOTENCY_RECORDS.IN_PROGRESS_EXPIRATION, inProgressUntil)
                    .setNull(IDEMPOTENCY_RECORDS.RESPONSE_DATA)
                    .set(IDEMPOTENCY_RECORDS.PAYLOAD_HASH, record.getPayloadHash())
                    .execute();
            return true;
        });
        if (!put) {
            throw new IdempotencyItemAlreadyExistsException(
                    "Failed to put record for already existing idempotency key: " + record.getIdempotencyKey(), null);
        }
    }

    private static boolean replaceable(IdempotencyRecordsRecord existing, Instant now) {
        if (existing.getExpiration() < now.getEpochSecond()) {
            return true;
        }
        Long inProgressUntil = existing.getInProgressExpiration();
        return IdempotencyRecordStatus.IN_PROGRESS.equals(existing.getStatus())
                && inProgressUntil != null
                && inProgressUntil < now.toEpochMilli();
    }

    @Override
    public void updateRecord(DataRecord record) {
        link.inTransaction(OnLostCommit.RETRY, tx -> tx.dsl()
                .update(IDEMPOTENCY_RECORDS)
                .set(IDEMPOTENCY_RECORDS.STATUS, record.getStatus().toString())
                .set(IDEMPOTENCY_RECORDS.EXPIRATION, record.getExpiryTimestamp())
                .set(IDEMPOTENCY_RECORDS.RESPONSE_DATA, record.getResponseData())
                .set(IDEMPOTENCY_RECORDS.PAYLOAD_HASH, record.getPayloadHash())
                .where(IDEMPOTENCY_RECORDS.ID.eq(record.getIdempotencyKey()))
                .execute());
    }

    @Override
    public void deleteRecord(String idempotencyKey) {
        link.inTransaction(OnLostCommit.RETRY, tx -> tx.dsl()
                .deleteFrom(IDEMPOTENCY_RECORDS)
                .where(IDEMPOTENCY_RECORDS.ID.eq(idempotencyKey))
                .execute());
    }
}
