-- Order events (SQS): orders with their lines, and customer balances moved by payments.
-- Runs unchanged on MySQL 8.0+ (Aurora MySQL 3) and MariaDB 10.11+. The jooq ignore markers hide
-- MySQL-only table options from jOOQ's DDLDatabase, which simulates this file on H2 at build time.
-- utf8mb4_bin: ids are compared byte for byte ('ord-1' and 'ORD-1' are two orders), on every server.

CREATE TABLE IF NOT EXISTS orders (
    order_id     VARCHAR(64) NOT NULL,
    customer_id  VARCHAR(64) NOT NULL,
    status       VARCHAR(16) NOT NULL,
    currency     CHAR(3)     NOT NULL,
    total_cents  BIGINT      NOT NULL,
    version      BIGINT      NOT NULL,
    occurred_at  DATETIME(6) NOT NULL,
    CONSTRAINT pk_orders PRIMARY KEY (order_id)
) /* [jooq ignore start] */ ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin /* [jooq ignore stop] */;

CREATE TABLE IF NOT EXISTS order_lines (
    order_id          VARCHAR(64) NOT NULL,
    line_no           INT         NOT NULL,
    sku               VARCHAR(64) NOT NULL,
    quantity          INT         NOT NULL,
    unit_price_cents  BIGINT      NOT NULL,
    CONSTRAINT pk_order_lines PRIMARY KEY (order_id, line_no)
) /* [jooq ignore start] */ ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin /* [jooq ignore stop] */;

CREATE TABLE IF NOT EXISTS customer_balances (
    customer_id    VARCHAR(64) NOT NULL,
    currency       CHAR(3)     NOT NULL,
    balance_cents  BIGINT      NOT NULL,
    CONSTRAINT pk_customer_balances PRIMARY KEY (customer_id, currency)
) /* [jooq ignore start] */ ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin /* [jooq ignore stop] */;
