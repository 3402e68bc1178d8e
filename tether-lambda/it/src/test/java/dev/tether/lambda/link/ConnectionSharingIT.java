package dev.tether.lambda.link;

import static dev.tether.lambda.it.Payments.paymentCaptured;
import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import dev.tether.lambda.InvocationContext;
import dev.tether.lambda.config.TetherConfig;
import dev.tether.lambda.it.Payments;
import dev.tether.testing.AppUser;
import dev.tether.testing.Sql;
import dev.tether.testing.SqsEvents;
import dev.tether.testing.SqsEvents.Message;
import dev.tether.testing.TestDatabase;
import dev.tether.testing.TestDatabase.Database;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * More containers than the login may hold connections: the ones holding theirs give them up at the limit, and the
 * one that was refused gets in on its next delivery, without any container being closed.
 */
class ConnectionSharingIT {

    private static Database database;
    private static AppUser app;

    @BeforeAll
    static void createAppUser() {
        database = TestDatabase.fresh("tether_it_sharing");
        app = AppUser.create(database, "tether_share", "share-secret");
    }

    @AfterEach
    void liftTheLimitAndEmpty() {
        app.maxConnections(0);
        Sql.execute(database, "DELETE FROM customer_balances", "DELETE FROM idempotency_records");
    }

    @Test
    void holdersAtTheLimitReleaseAndTheStarvedContainerGetsInOnItsRedelivery() {
        app.maxConnections(2);
        try (Payments a = handler(true);
                Payments b = handler(true);
                Payments starved = handler(true)) {
            List<Message> batch = List.of(Message.of(paymentCaptured("cus-starved", 7, "EUR")));

            SQSBatchResponse refused = invoke(starved, batch, 2_000);
            // The holders' next invocations find their login at its limit and give their connections up.
            assertThat(invoke(a, List.of(Message.of(paymentCaptured("cus-a", 1, "EUR"))), 10_000)
                            .getBatchItemFailures())
                    .isEmpty();
            assertThat(invoke(b, List.of(Message.of(paymentCaptured("cus-b", 2, "EUR"))), 10_000)
                            .getBatchItemFailures())
                    .isEmpty();
            SQSBatchResponse redelivered = invoke(starved, batch, 10_000);

            assertThat(refused.getBatchItemFailures()).hasSize(1);
            // 1226 for an account's own MAX_USER_CONNECTIONS, 1203 for the server-wide max_user_connections.
            assertThat(starved.link().connectErrors().keySet()).containsAnyOf("1203", "1226");
            assertThat(a.link().released() + b.link().released()).isGreaterThanOrEqualTo(1);
            assertThat(redelivered.getBatchItemFailures()).isEmpty();
            assertThat(Sql.rows(
                            database,
                            "SELECT customer_id, balance_cents FROM customer_balances" + " ORDER BY customer_id"))
                    .containsExactly("cus-a|1", "cus-b|2", "cus-starved|7");
        }
    }

    @Test
    void withSharingOffTheHoldersKeepTheirConnectionsAndTheStarvedContainerStaysOut() {
        app.maxConnections(2);
        try (Payments a = handler(false);
                Payments b = handler(false);
                Payments starved = handler(false)) {
            List<Message> batch = List.of(Message.of(paymentCaptured("cus-starved-2", 7, "EUR")));

            invoke(starved, batch, 2_000);
            invoke(a, List.of(Message.of(paymentCaptured("cus-a-2", 1, "EUR"))), 10_000);
            invoke(b, List.of(Message.of(paymentCaptured("cus-b-2", 2, "EUR"))), 10_000);
            SQSBatchResponse redelivered = invoke(starved, batch, 2_000);

            assertThat(a.link().released() + b.link().released()).isZero();
            assertThat(redelivered.getBatchItemFailures()).hasSize(1);
        }
    }

    private static Payments handler(boolean share) {
        return new Payments(TetherConfig.of(database.url(), app.name(), app.password(), database.dialect())
                .withShareConnections(share));
    }

    private static SQSBatchResponse invoke(Payments handler, List<Message> batch, int remainingMillis) {
        return handler.handleRequest(SqsEvents.event(batch), new InvocationContext("tether-payments", remainingMillis));
    }
}
