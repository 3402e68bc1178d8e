-- The library's own test schema: what its integration tests need of an application, and nothing of the orders one.
CREATE TABLE notes (
    note_id  VARCHAR(64)   NOT NULL,
    body     VARCHAR(1024) NOT NULL,
    CONSTRAINT pk_notes PRIMARY KEY (note_id)
) /* [jooq ignore start] */ ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin /* [jooq ignore stop] */;
