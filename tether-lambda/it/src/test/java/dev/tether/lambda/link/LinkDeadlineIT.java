package dev.tether.lambda.link;

import static dev.tether.lambda.it.Payments.paymentCaptured;
import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import dev.tether.lambda.InvocationContext;
import dev.tether.lambda.config.TetherConfig;
import dev.tether.lambda.it.Payments;
import dev.tether.testing.AppUser;
import dev.tether.testing.FaultProxy;
import dev.tether.testing.Sql;
import dev.tether.testing.SqsEvents;
import dev.tether.testing.SqsEvents.Message;
import dev.tether.testing.TestDatabase;
import dev.tether.testing.TestDatabase.Database;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Every path of an invocation answers within its remaining time less the safety margin, whatever the database does:
 * a refused login, a server that stops answering, a lock that is never released, a migration that waits, a
 * connection limit. And a container that meets the limit gets in as soon as a connection frees up.
 */
@Timeout(120)
class LinkDeadlineIT {

    /** What the invocations are given; the handler must answer in less. */
    private static final int REMAINING_MS = 3_000;

    private static Database database;
    private static AppUser app;

    @BeforeAll
    static void createAppUser() {
        database = TestDatabase.fresh("tether_it_deadlines");
        app = AppUser.create(database, "tether_deadline", "deadline-secret");
    }

    @BeforeEach
    void empty() {
        Sql.execute(database, "DELETE FROM customer_balances", "DELETE FROM idempotency_records");
        app.maxConnections(0);
    }

    @Test
    void aRefusedLoginAnswersWellWithinTheInvocationsTime() {
        try (Payments handler = handler(database.url(), "not-the-password")) {
            Ledger ledger = new Ledger();

            long started = System.currentTimeMillis();
            SQSBatchResponse response = ledger.invoke(handler, ledger.next(5), REMAINING_MS);
            long elapsed = System.currentTimeMillis() - started;

            assertThat(response.getBatchItemFailures()).hasSize(5);
            assertThat(elapsed).as("answered after %d ms", elapsed).isLessThan(REMAINING_MS);
            assertThat(Sql.rows(database, "SELECT * FROM customer_balances")).isEmpty();
        }
    }

    @Test
    void aServerThatStopsAnsweringFailsTheBatchWithinItsTimeAndTheRedeliveryCommits() throws Exception {
        try (FaultProxy proxy = FaultProxy.inFrontOf(database.url());
                Payments handler = handler(proxy.route(database.url()), app.password())) {
            Ledger ledger = new Ledger();
            ledger.deliver(handler, 3);
            List<Message> batch = ledger.next(5);

            proxy.stall(true);
            long started = System.currentTimeMillis();
            SQSBatchResponse response = ledger.invoke(handler, batch, REMAINING_MS);
            long elapsed = System.currentTimeMillis() - started;
            proxy.stall(false);

            assertThat(response.getBatchItemFailures()).hasSize(5);
            assertThat(elapsed).as("answered after %d ms", elapsed).isLessThan(REMAINING_MS);
            ledger.redeliverUntilCommitted(handler, batch);
            ledger.assertExactlyOnce();
        }
    }

    @Test
    void aLockThatIsNeverReleasedFailsTheBatchWithinItsTimeAndTheRedeliveryCommits() throws Exception {
        try (Payments handler = handler(database.url(), app.password());
                Connection blocker = database.connect();
                Statement sql = blocker.createStatement()) {
            Ledger ledger = new Ledger();
            ledger.deliver(handler, 3);
            List<Message> batch = ledger.next(5);
            blocker.setAutoCommit(false);
            sql.execute("INSERT INTO customer_balances VALUES ('cus-" + ledger.customerOf(batch.get(0)) + "', 'EUR', 0)"
                    + " ON DUPLICATE KEY UPDATE balance_cents = balance_cents");

            long started = System.currentTimeMillis();
            SQSBatchResponse response = ledger.invoke(handler, batch, REMAINING_MS);
            long elapsed = System.currentTimeMillis() - started;
            blocker.rollback();

            assertThat(response.getBatchItemFailures()).hasSize(5);
            assertThat(elapsed).as("answered after %d ms", elapsed).isLessThan(REMAINING_MS);
            ledger.redeliverUntilCommitted(handler, batch);
            ledger.assertExactlyOnce();
        }
    }

    @Test
    void aMigrationThatWaitsAtTheFirstBatchFailsItWithinItsTimeAndTheRedeliveryMigratesAndCommits() throws Exception {
        try (FaultProxy proxy = FaultProxy.inFrontOf(database.url())) {
            proxy.stall(true); // the database does not answer at init: migrating waits for the first batch
            Payments handler = handler(proxy.route(database.url()), app.password());
            proxy.stall(false);
            try (handler;
                    Connection admin = database.connect();
                    Statement sql = admin.createStatement()) {
                Ledger ledger = new Ledger();
                List<Message> batch = ledger.next(5);
                sql.execute("LOCK TABLES flyway_schema_history WRITE");

                long started = System.currentTimeMillis();
                SQSBatchResponse response = ledger.invoke(handler, batch, REMAINING_MS);
                long elapsed = System.currentTimeMillis() - started;
                sql.execute("UNLOCK TABLES");

                assertThat(response.getBatchItemFailures()).hasSize(5);
                assertThat(elapsed).as("answered after %d ms", elapsed).isLessThan(REMAINING_MS);
                ledger.redeliverUntilCommitted(handler, batch);
                ledger.assertExactlyOnce();
            }
        }
    }

    @Test
    void containersThatMeetTheConnectionLimitGetInAsSoonAsConnectionsFreeUp() throws Exception {
        app.maxConnections(2);
        List<Payments> containers = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            containers.add(handler(database.url(), app.password())); // two connect at init, three meet the limit
        }
        ExecutorService lambda = Executors.newFixedThreadPool(5);
        Ledger ledger = new Ledger();
        try {
            List<Future<SQSBatchResponse>> responses = new ArrayList<>();
            for (Payments container : containers) {
                List<Message> batch = ledger.next(4);
                responses.add(lambda.submit(() -> {
                    SQSBatchResponse response = ledger.invoke(container, batch, 4_000);
                    // The container is done and retires shortly after: its connection frees up.
                    Thread.sleep(200);
                    container.close();
                    return response;
                }));
            }
            for (Future<SQSBatchResponse> response : responses) {
                assertThat(response.get().getBatchItemFailures())
                        .as("every container got in before its deadline")
                        .isEmpty();
            }
            ledger.assertExactlyOnce();
        } finally {
            lambda.shutdownNow();
            containers.forEach(Payments::close);
        }
    }

    private static Payments handler(String url, String password) {
        return new Payments(TetherConfig.of(url, app.name(), password, database.dialect()));
    }

    /** The payments sent, and the balance each customer must end with: every payment exactly once. */
    private static final class Ledger {
        private final Map<String, Long> expected = new TreeMap<>();
        private final Map<String, String> customers = new java.util.concurrent.ConcurrentHashMap<>();
        private int counter;

        synchronized List<Message> next(int count) {
            List<Message> batch = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                counter++;
                String customer = "cus-" + counter;
                Message message = Message.of(paymentCaptured(customer, counter, "EUR"));
                customers.put(message.messageId(), String.valueOf(counter));
                expected.merge(customer, (long) counter, Long::sum);
                batch.add(message);
            }
            return batch;
        }

        String customerOf(Message message) {
            return customers.get(message.messageId());
        }

        SQSBatchResponse invoke(Payments handler, List<Message> batch, int remainingMillis) {
            return handler.handleRequest(
                    SqsEvents.event(batch), new InvocationContext("tether-payments", remainingMillis));
        }

        void deliver(Payments handler, int count) {
            assertThat(invoke(handler, next(count), 30_000).getBatchItemFailures())
                    .isEmpty();
        }

        /** SQS redelivers until the batch commits; a lock the lost transaction held may take a moment to go. */
        void redeliverUntilCommitted(Payments handler, List<Message> batch) throws InterruptedException {
            for (int attempt = 0; attempt < 20; attempt++) {
                if (invoke(handler, batch, 30_000).getBatchItemFailures().isEmpty()) {
                    return;
                }
                Thread.sleep(250);
            }
            throw new AssertionError("the redelivered batch never committed");
        }

        synchronized void assertExactlyOnce() {
            List<String> rows = Sql.rows(
                    database,
                    "SELECT customer_id, balance_cents FROM customer_balances"
                            + " WHERE balance_cents > 0 ORDER BY customer_id");
            List<String> wanted = expected.entrySet().stream()
                    .map(e -> e.getKey() + "|" + e.getValue())
                    .toList();
            assertThat(rows).containsExactlyInAnyOrderElementsOf(wanted);
        }
    }
}
