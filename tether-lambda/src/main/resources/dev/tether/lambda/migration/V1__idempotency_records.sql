-- Tether's own table: idempotency records, one row per key, in the layout Powertools' persistence stores use
-- (DynamoDB's attribute names as columns), so the transactional mode and the powertools-mysql mode read and write the
-- same history. Applied with its own Flyway history table (tether_schema_history), never the application's.
--   id                      <function name>.<method>#<MD5 of the key>
--   status                  INPROGRESS or COMPLETED
--   expiration              epoch seconds after which the record no longer suppresses a repeat
--   in_progress_expiration  epoch milliseconds after which an INPROGRESS record may be taken over
--   response_data           the JSON the idempotent method returned
--   payload_hash            MD5 of the payload expression, to reject a reused key with another payload
-- IF NOT EXISTS: a database whose application created this same table before Tether shipped it keeps its records.

CREATE TABLE IF NOT EXISTS idempotency_records (
    id                      VARCHAR(255) NOT NULL,
    status                  VARCHAR(16)  NOT NULL,
    expiration              BIGINT       NOT NULL,
    in_progress_expiration  BIGINT,
    response_data           TEXT,
    payload_hash            VARCHAR(128),
    CONSTRAINT pk_idempotency_records PRIMARY KEY (id),
    INDEX ix_idempotency_records_expiration (expiration)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
