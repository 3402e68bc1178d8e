package dev.tether.lambda.internal.idempotency;

import static org.jooq.impl.DSL.field;
import static org.jooq.impl.DSL.name;
import static org.jooq.impl.DSL.table;

import org.jooq.Field;
import org.jooq.Record;
import org.jooq.Table;
import org.jooq.impl.SQLDataType;

/**
 * Tether's own table, {@code idempotency_records}, declared for jOOQ by hand: the library depends on no generated
 * class of any application. Its DDL is {@code dev/tether/lambda/migration/V1__idempotency_records.sql}.
 */
final class IdempotencyRecords {

    static final Table<Record> TABLE = table(name("idempotency_records"));

    static final Field<String> ID = field(name("id"), SQLDataType.VARCHAR(255).nullable(false));
    static final Field<String> STATUS =
            field(name("status"), SQLDataType.VARCHAR(16).nullable(false));
    static final Field<Long> EXPIRATION = field(name("expiration"), SQLDataType.BIGINT.nullable(false));
    static final Field<Long> IN_PROGRESS_EXPIRATION = field(name("in_progress_expiration"), SQLDataType.BIGINT);
    static final Field<String> RESPONSE_DATA = field(name("response_data"), SQLDataType.CLOB);
    static final Field<String> PAYLOAD_HASH = field(name("payload_hash"), SQLDataType.VARCHAR(128));

    private IdempotencyRecords() {}
}
