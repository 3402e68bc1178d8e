-- Customers replicated from the DynamoDB table Customers through its stream.
--   stream_sequence  the SequenceNumber of the stream record the row reflects (up to 40 digits); a record changes
--                    the row only when its sequence number is greater, so replays and reordering are harmless
--   deleted          a tombstone: REMOVE keeps the row (data columns emptied, sequence kept) so that a late replay
--                    of an older INSERT or MODIFY cannot bring the customer back

CREATE TABLE IF NOT EXISTS customers (
    customer_id       VARCHAR(64)    NOT NULL,
    email             VARCHAR(320),
    name              VARCHAR(256),
    tier              VARCHAR(32),
    credit_limit      DECIMAL(18, 2),
    tags              JSON,
    address           JSON,
    marketing_opt_in  BOOLEAN,
    updated_at        DATETIME(6),
    stream_sequence   DECIMAL(40, 0) NOT NULL,
    deleted           BOOLEAN        NOT NULL,
    CONSTRAINT pk_customers PRIMARY KEY (customer_id)
) /* [jooq ignore start] */ ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin /* [jooq ignore stop] */;
