package dev.tether.processor.handler;

import static dev.tether.processor.testing.StreamEvents.record;
import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import dev.tether.lambda.InvocationContext;
import dev.tether.lambda.config.TetherConfig;
import dev.tether.processor.testing.OrderEvents;
import dev.tether.processor.testing.StreamEvents;
import dev.tether.testing.AppUser;
import dev.tether.testing.Sql;
import dev.tether.testing.SqsEvents;
import dev.tether.testing.SqsEvents.Message;
import dev.tether.testing.TestDatabase;
import dev.tether.testing.TestDatabase.Database;
import java.util.List;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The handlers on a database that Flyway alone migrated from the {@code V<n>__*.sql} files of {@code schema/}, with
 * its default history table and nothing of Tether's, started with {@code TETHER_DB_MIGRATE} unset: they serve it as
 * it is, with the owner's login or a login that may only read and write.
 */
class FlywayAloneIT {

    private Database database;

    @BeforeEach
    void migratedByFlywayAlone() {
        database = TestDatabase.empty("tether_it_flyway_alone");
        Flyway.configure()
                .dataSource(database.url(), database.user(), database.password())
                .locations("classpath:db/migration")
                .load()
                .migrate();
    }

    @Test
    void theOwnersLoginAddsTetherHistoryBesideTheApplicationsAndServesBothHandlers() {
        assertThat(run(database.config())).isEmpty();

        assertThat(Sql.rows(database, "SELECT version FROM flyway_schema_history ORDER BY installed_rank"))
                .containsExactly("1", "2", "3", "4");
        assertThat(Sql.rows(database, "SELECT version FROM tether_schema_history ORDER BY installed_rank"))
                .containsExactly("0", "1");
        assertApplied();
    }

    @Test
    void aLoginThatMayNotCreateTablesStillStartsAndServesBothHandlers() {
        AppUser user = AppUser.create(database, "tether_rw", "secret");
        TetherConfig config = TetherConfig.of(database.url(), user.name(), user.password(), database.dialect());

        assertThat(run(config)).isEmpty();

        assertThat(Sql.number(
                        database,
                        "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = '" + database.name()
                                + "' AND TABLE_NAME = 'tether_schema_history'"))
                .isZero();
        assertApplied();
    }

    /** One SQS batch (a payment sent twice) and one stream batch (both tables); the failures of both. */
    private List<String> run(TetherConfig config) {
        String payment = OrderEvents.paymentCaptured("cus-fa", 250, "EUR");
        try (OrderEventsHandler orders = new OrderEventsHandler(config);
                CustomerStreamHandler stream = new CustomerStreamHandler(config)) {
            SQSBatchResponse sqs = orders.handleRequest(
                    SqsEvents.event(List.of(Message.of(payment), Message.of(payment))),
                    new InvocationContext("tether-orders", 30_000));
            var streamResponse = stream.handleRequest(
                    StreamEvents.eventOf(List.of(
                            record(
                                    "INSERT",
                                    10,
                                    "Customers",
                                    "{\"customerId\":{\"S\":\"cus-fa\"}}",
                                    "{\"customerId\":{\"S\":\"cus-fa\"},\"name\":{\"S\":\"Ada\"}}",
                                    false),
                            record(
                                    "INSERT",
                                    11,
                                    "CustomerAddresses",
                                    "{\"customerId\":{\"S\":\"cus-fa\"},\"addressId\":{\"S\":\"home\"}}",
                                    "{\"customerId\":{\"S\":\"cus-fa\"},\"addressId\":{\"S\":\"home\"},"
                                            + "\"city\":{\"S\":\"Leiden\"}}",
                                    false))),
                    new InvocationContext("tether-stream", 30_000));
            List<String> failures = new java.util.ArrayList<>();
            sqs.getBatchItemFailures().forEach(f -> failures.add(f.getItemIdentifier()));
            streamResponse.getBatchItemFailures().forEach(f -> failures.add(f.getItemIdentifier()));
            return failures;
        }
    }

    private void assertApplied() {
        assertThat(Sql.rows(database, "SELECT balance_cents FROM customer_balances WHERE customer_id = 'cus-fa'"))
                .containsExactly("250");
        assertThat(Sql.rows(database, "SELECT name FROM customers")).containsExactly("Ada");
        assertThat(Sql.rows(database, "SELECT city FROM customer_addresses")).containsExactly("Leiden");
    }
}
