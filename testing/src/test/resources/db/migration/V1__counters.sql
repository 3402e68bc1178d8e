-- The test schema of the test kit's own tests: one counter per name, added to by Counted events.
CREATE TABLE counters (
    name   VARCHAR(64) NOT NULL,
    total  BIGINT      NOT NULL,
    CONSTRAINT pk_counters PRIMARY KEY (name)
) /* [jooq ignore start] */ ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin /* [jooq ignore stop] */;
