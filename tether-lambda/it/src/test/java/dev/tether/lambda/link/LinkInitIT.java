package dev.tether.lambda.link;

import static dev.tether.lambda.it.Payments.paymentCaptured;
import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import dev.tether.lambda.InvocationContext;
import dev.tether.lambda.config.TetherConfig;
import dev.tether.lambda.it.Payments;
import dev.tether.testing.FaultProxy;
import dev.tether.testing.Sql;
import dev.tether.testing.SqsEvents;
import dev.tether.testing.SqsEvents.Message;
import dev.tether.testing.TestDatabase;
import dev.tether.testing.TestDatabase.Database;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What a container does at init with the database up: one connection, migrated on, ready for the first batch. */
class LinkInitIT {

    @Test
    void initOpensOneConnectionMigratesOnItAndTheFirstBatchFindsItReady() throws Exception {
        Database empty = TestDatabase.empty("tether_it_init");
        try (FaultProxy proxy = FaultProxy.inFrontOf(empty.url())) {
            TetherConfig config =
                    TetherConfig.of(proxy.route(empty.url()), empty.user(), empty.password(), empty.dialect());

            try (Payments handler = new Payments(config)) {
                // Migrated during init, on the one connection init opened.
                assertThat(Sql.rows(
                                empty,
                                "SELECT version FROM flyway_schema_history WHERE success = 1"
                                        + " ORDER BY installed_rank"))
                        .containsExactly("1");
                // Tether's own migration, in its own history, from a baseline: the schema was no longer empty.
                assertThat(Sql.rows(
                                empty,
                                "SELECT version FROM tether_schema_history WHERE success = 1"
                                        + " ORDER BY installed_rank"))
                        .containsExactly("0", "1");
                assertThat(proxy.connectionsAccepted()).isEqualTo(1);

                SQSBatchResponse first = handler.handleRequest(
                        SqsEvents.event(List.of(Message.of(paymentCaptured("cus-init", 5, "EUR")))),
                        new InvocationContext("tether-payments", 10_000));

                assertThat(first.getBatchItemFailures()).isEmpty();
                assertThat(proxy.connectionsAccepted())
                        .as("the first batch used init's connection")
                        .isEqualTo(1);
                assertThat(handler.link().connectionsOpened()).isEqualTo(1);
                assertThat(Sql.rows(empty, "SELECT balance_cents FROM customer_balances"))
                        .containsExactly("5");
            }
        }
    }

    @Test
    void aConnectionThatMigratedAtTheFirstBatchStillRunsThatBatchAsOneTransaction() throws Exception {
        Database empty = TestDatabase.empty("tether_it_first_batch_migrates");
        try (FaultProxy proxy = FaultProxy.inFrontOf(empty.url())) {
            TetherConfig config =
                    TetherConfig.of(proxy.route(empty.url()), empty.user(), empty.password(), empty.dialect());
            proxy.stall(true);
            try (DatabaseLink link = new DatabaseLink(config)) {
                proxy.stall(false);
                // Flyway took the connection twice over during the first batch's migration; the batch itself must
                // still be all or nothing.
                Throwable failed = null;
                try {
                    link.invocation(
                            System.currentTimeMillis() + 20_000,
                            () -> link.inTransaction(tx -> {
                                assertThat(tx.dsl().connectionResult(java.sql.Connection::getAutoCommit))
                                        .as("auto-commit")
                                        .isFalse();
                                tx.dsl()
                                        .execute("INSERT INTO customer_balances (customer_id, currency, balance_cents)"
                                                + " VALUES ('cus-half', 'EUR', 1)");
                                throw new IllegalStateException("the batch fails after its first statement");
                            }));
                } catch (IllegalStateException e) {
                    failed = e;
                }

                assertThat(failed).hasMessage("the batch fails after its first statement");
                assertThat(Sql.rows(empty, "SELECT version FROM flyway_schema_history WHERE success = 1"))
                        .as("migrated at the first batch")
                        .containsExactly("1");
                assertThat(Sql.rows(empty, "SELECT customer_id FROM customer_balances"))
                        .as("nothing of the failed transaction")
                        .isEmpty();
            }
        }
    }
}
