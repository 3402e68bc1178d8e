package dev.tether.lambda.write;

import static dev.tether.db.Tables.CUSTOMER_BALANCES;
import static dev.tether.db.Tables.IDEMPOTENCY_RECORDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Collections;
import java.util.function.IntFunction;
import org.jooq.Query;
import org.jooq.SQLDialect;
import org.jooq.conf.Settings;
import org.jooq.impl.DSL;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class RepeatedRowsTest {

    private static final IntFunction<Query> UPSERT = n -> {
        var insert = DSL.insertInto(
                CUSTOMER_BALANCES,
                CUSTOMER_BALANCES.CUSTOMER_ID,
                CUSTOMER_BALANCES.CURRENCY,
                CUSTOMER_BALANCES.BALANCE_CENTS);
        for (int i = 0; i < n; i++) {
            insert = insert.values((String) null, null, null);
        }
        return insert.onDuplicateKeyUpdate()
                .set(
                        CUSTOMER_BALANCES.BALANCE_CENTS,
                        CUSTOMER_BALANCES.BALANCE_CENTS.plus(DSL.excluded(CUSTOMER_BALANCES.BALANCE_CENTS)));
    };

    private static final IntFunction<Query> LOCK = n -> DSL.select(IDEMPOTENCY_RECORDS.ID)
            .from(IDEMPOTENCY_RECORDS)
            .where(IDEMPOTENCY_RECORDS.ID.in(Collections.nCopies(n, (String) null)))
            .forUpdate()
            .noWait();

    @ParameterizedTest
    @EnumSource(
            value = SQLDialect.class,
            names = {"MYSQL", "MARIADB"})
    void theStretchedTextIsWhatJooqRendersForThatManyRows(SQLDialect dialect) {
        var renderer = DSL.using(dialect, new Settings().withRenderSchema(false));
        RepeatedRows upsert = new RepeatedRows(UPSERT, 3);
        RepeatedRows lock = new RepeatedRows(LOCK, 1);

        for (int rows : new int[] {1, 2, 3, 4, 17, 1000}) {
            assertThat(upsert.sql(dialect, rows)).isEqualTo(renderer.render(UPSERT.apply(rows)));
            assertThat(lock.sql(dialect, rows)).isEqualTo(renderer.render(LOCK.apply(rows)));
        }
    }

    @ParameterizedTest
    @EnumSource(
            value = SQLDialect.class,
            names = {"MARIADB"})
    void aStatementWhoseBindsPerRowAreMiscountedIsRefused(SQLDialect dialect) {
        RepeatedRows wrong = new RepeatedRows(UPSERT, 2);

        assertThatThrownBy(() -> wrong.sql(dialect, 5)).hasMessageContaining("does not repeat by rows");
    }
}
