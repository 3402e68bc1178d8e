-- Customer addresses replicated from the DynamoDB table CustomerAddresses (partition key customerId, sort key
-- addressId) through its stream, beside customers. stream_sequence and deleted as in customers: a record changes the
-- row only when its sequence number is greater; REMOVE leaves a tombstone.

CREATE TABLE IF NOT EXISTS customer_addresses (
    customer_id      VARCHAR(64)    NOT NULL,
    address_id       VARCHAR(64)    NOT NULL,
    line1            VARCHAR(256),
    city             VARCHAR(128),
    postcode         VARCHAR(32),
    country          VARCHAR(64),
    is_default       BOOLEAN,
    stream_sequence  DECIMAL(40, 0) NOT NULL,
    deleted          BOOLEAN        NOT NULL,
    CONSTRAINT pk_customer_addresses PRIMARY KEY (customer_id, address_id)
) /* [jooq ignore start] */ ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin /* [jooq ignore stop] */;
