-- The library's own test schema: what its integration tests need of an application, and nothing of the orders one.
CREATE TABLE notes (
    note_id  VARCHAR(64)   NOT NULL,
    body     VARCHAR(1024) NOT NULL,
    CONSTRAINT pk_notes PRIMARY KEY (note_id)
) /* [jooq ignore start] */ ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin /* [jooq ignore stop] */;

-- Payments: each PaymentCaptured adds its amount to a balance (an additive upsert, so a payment applied twice shows,
-- and a sum past BIGINT fails in the database, which isolates the one message at fault).
CREATE TABLE customer_balances (
    customer_id    VARCHAR(64) NOT NULL,
    currency       CHAR(3)     NOT NULL,
    balance_cents  BIGINT      NOT NULL,
    CONSTRAINT pk_customer_balances PRIMARY KEY (customer_id, currency)
) /* [jooq ignore start] */ ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin /* [jooq ignore stop] */;
