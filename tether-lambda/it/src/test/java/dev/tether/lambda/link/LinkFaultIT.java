package dev.tether.lambda.link;

import static dev.tether.lambda.it.Payments.paymentCaptured;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse.BatchItemFailure;
import dev.tether.embedded.EmbeddedMariaDb;
import dev.tether.lambda.InvocationContext;
import dev.tether.lambda.config.TetherConfig;
import dev.tether.lambda.it.Payments;
import dev.tether.testing.AppUser;
import dev.tether.testing.Sql;
import dev.tether.testing.SqsEvents;
import dev.tether.testing.SqsEvents.Message;
import dev.tether.testing.TestDatabase;
import dev.tether.testing.TestDatabase.Database;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What Lambda and the database do to the persistent link, on the real server. Every test ends with the same check:
 * each message is either committed exactly once or reported failed, and the redelivery of the failed ones commits
 * them exactly once.
 */
class LinkFaultIT {

    private static final String APP_USER = "tether_app";
    private static final String APP_PASSWORD = "app-secret-1";

    private static Database database;
    private static AppUser app;

    @BeforeAll
    static void createAppUser() {
        database = TestDatabase.fresh("tether_it_faults");
        app = AppUser.create(database, APP_USER, APP_PASSWORD);
    }

    @BeforeEach
    void empty() {
        Sql.execute(
                database,
                "DELETE FROM customer_balances",
                "DELETE FROM idempotency_records",
                "DROP TRIGGER IF EXISTS slow_balance");
    }

    @Test
    void aConnectionKilledBetweenInvocationsIsReplacedTransparently() {
        try (Payments handler = appHandler(APP_PASSWORD)) {
            Ledger ledger = new Ledger();
            ledger.deliver(handler, 10);
            long before = handler.link().connectionId();

            Sql.execute(database, "KILL CONNECTION " + before);
            SQSBatchResponse afterKill = ledger.deliver(handler, 10);

            assertThat(afterKill.getBatchItemFailures()).isEmpty();
            assertThat(handler.link().connectionId()).isNotEqualTo(before);
            ledger.assertExactlyOnce();
        }
    }

    @Test
    void aConnectionOlderThanWaitTimeoutIsReplacedTransparently() throws Exception {
        try (Connection admin = TestDatabase.admin();
                Statement sql = admin.createStatement()) {
            sql.execute("SET GLOBAL wait_timeout = 1");
            try (Payments handler = appHandler(APP_PASSWORD)) {
                Ledger ledger = new Ledger();
                ledger.deliver(handler, 5);
                long before = handler.link().connectionId();

                awaitClosedByTheServer(before); // the container is frozen longer than the server keeps an idle session
                SQSBatchResponse afterPause = ledger.deliver(handler, 5);

                assertThat(afterPause.getBatchItemFailures()).isEmpty();
                assertThat(handler.link().connectionId()).isNotEqualTo(before);
                ledger.assertExactlyOnce();
            } finally {
                sql.execute("SET GLOBAL wait_timeout = 28800");
            }
        }
    }

    @Test
    void aServerRestartBetweenInvocationsIsTransparent() {
        EmbeddedMariaDb server = embeddedServer();
        try (Payments handler = appHandler(APP_PASSWORD)) {
            Ledger ledger = new Ledger();
            ledger.deliver(handler, 10);

            server.restart();
            SQSBatchResponse afterRestart = ledger.deliver(handler, 10);

            assertThat(afterRestart.getBatchItemFailures()).isEmpty();
            ledger.assertExactlyOnce();
        }
    }

    @Test
    void aServerRestartInTheMiddleOfABatchIsRetriedOnANewConnection() throws Exception {
        EmbeddedMariaDb server = embeddedServer();
        // The trigger announces that the batch reached it by taking a named lock, then sleeps.
        Sql.execute(
                database,
                "CREATE TRIGGER slow_balance BEFORE INSERT ON customer_balances FOR EACH ROW"
                        + " BEGIN IF NEW.customer_id = 'cus-slow' THEN DO GET_LOCK('slow_balance', 0); DO SLEEP(2); END IF;"
                        + " END");
        ExecutorService lambda = Executors.newSingleThreadExecutor();
        try (Payments handler = appHandler(APP_PASSWORD)) {
            Ledger ledger = new Ledger();
            ledger.deliver(handler, 3);
            List<Message> batch = new ArrayList<>(ledger.next(20));
            batch.add(ledger.add("cus-slow", 7));

            Future<SQSBatchResponse> invocation = lambda.submit(() ->
                    handler.handleRequest(SqsEvents.event(batch), new InvocationContext("tether-payments", 120_000)));
            awaitLockTaken("slow_balance"); // the batch is inside its transaction, in the slow trigger
            server.restart();
            SQSBatchResponse response = invocation.get();

            ledger.redeliverFailures(handler, batch, response);
            ledger.assertExactlyOnce();
            assertThat(handler.link().retries()).isGreaterThanOrEqualTo(1);
        } finally {
            lambda.shutdownNow();
        }
    }

    @Test
    void moreContainersThanTheUserMayConnectBackOffFailWholeBatchesAndRecover() throws Exception {
        app.maxConnections(2);
        try {
            assertContainersBeyondTheLimitRecover();
        } finally {
            app.maxConnections(0);
        }
    }

    @Test
    void moreContainersThanMaxConnectionsBackOffFailWholeBatchesAndRecover() throws Exception {
        try (Connection admin = TestDatabase.admin();
                Statement sql = admin.createStatement()) {
            for (int i = 0;
                    i < 50
                            && !Sql.rows(
                                            admin,
                                            "SELECT ID FROM information_schema.PROCESSLIST WHERE USER = '" + APP_USER
                                                    + "'")
                                    .isEmpty();
                    i++) {
                Thread.sleep(100); // connections of earlier tests' containers are still closing
            }
            String original = Sql.rows(admin, "SELECT @@global.max_connections").get(0);
            // The server's floor is 10 connections: hold all but two of them, so two containers fit.
            sql.execute("SET GLOBAL max_connections = 10");
            List<Connection> held = new ArrayList<>();
            try {
                while (threadsConnected(admin) < 8) {
                    held.add(TestDatabase.admin());
                }
                assertContainersBeyondTheLimitRecover();
            } finally {
                for (Connection connection : held) {
                    connection.close();
                }
                sql.execute("SET GLOBAL max_connections = " + original);
            }
        }
    }

    /** Waits until some session holds the named lock {@code name}. */
    private static void awaitLockTaken(String name) throws InterruptedException {
        long until = System.currentTimeMillis() + 20_000;
        while (Sql.rows(database, "SELECT IS_USED_LOCK('" + name + "')").get(0) == null) {
            assertThat(System.currentTimeMillis())
                    .as("the lock %s is taken", name)
                    .isLessThan(until);
            Thread.sleep(10);
        }
    }

    /** Waits until the server has dropped session {@code connectionId} (wait_timeout elapsed). */
    private static void awaitClosedByTheServer(long connectionId) throws InterruptedException {
        long until = System.currentTimeMillis() + 20_000;
        while (!Sql.rows(database, "SELECT ID FROM information_schema.PROCESSLIST WHERE ID = " + connectionId)
                .isEmpty()) {
            assertThat(System.currentTimeMillis())
                    .as("the server closes the idle session")
                    .isLessThan(until);
            Thread.sleep(50);
        }
    }

    private static long threadsConnected(Connection admin) throws java.sql.SQLException {
        return Long.parseLong(Sql.rows(admin, "SHOW GLOBAL STATUS LIKE 'Threads_connected'")
                .get(0)
                .split("\\|")[1]);
    }

    /**
     * Four containers where two connections are allowed, with connection sharing off (it would let the other two in:
     * ConnectionSharingIT): two fail their whole batch within their time, and recover later.
     */
    private void assertContainersBeyondTheLimitRecover() throws Exception {
        List<Payments> containers = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            // Init never fails: two of these cannot connect.
            containers.add(new Payments(TetherConfig.of(database.url(), APP_USER, APP_PASSWORD, database.dialect())
                    .withShareConnections(false)));
        }
        ExecutorService threads = Executors.newFixedThreadPool(4);
        Ledger ledger = new Ledger();
        try {
            List<List<Message>> batches = new ArrayList<>();
            List<Future<SQSBatchResponse>> responses = new ArrayList<>();
            for (Payments container : containers) {
                List<Message> batch = ledger.next(5);
                batches.add(batch);
                responses.add(threads.submit(() -> container.handleRequest(
                        SqsEvents.event(batch), new InvocationContext("tether-payments", 5_000))));
            }
            List<Integer> starved = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                List<BatchItemFailure> failures = responses.get(i).get().getBatchItemFailures();
                assertThat(failures.size())
                        .as("a container fails all of its batch or none of it")
                        .isIn(0, 5);
                if (!failures.isEmpty()) {
                    starved.add(i);
                }
            }
            assertThat(starved).hasSize(2);
            for (int i = 0; i < 4; i++) {
                if (!starved.contains(i)) {
                    containers.get(i).close(); // those containers retire, their connections free up
                }
            }
            for (int i : starved) {
                SQSBatchResponse redelivery = containers
                        .get(i)
                        .handleRequest(
                                SqsEvents.event(batches.get(i)), new InvocationContext("tether-payments", 20_000));
                assertThat(redelivery.getBatchItemFailures()).isEmpty();
            }
            ledger.assertExactlyOnce();
        } finally {
            threads.shutdownNow();
            containers.forEach(Payments::close);
        }
    }

    @Test
    void aWrongPasswordFailsTheWholeBatchClearlyAndTheNextInvocationRecoversOnceFixed() {
        String configured = "not-the-password";
        try (Payments handler = appHandler(configured)) {
            Ledger ledger = new Ledger();
            List<Message> batch = ledger.next(5);
            SQSBatchResponse refused =
                    handler.handleRequest(SqsEvents.event(batch), new InvocationContext("tether-payments", 5_000));
            assertThat(refused.getBatchItemFailures()).hasSize(5);

            setAppPassword(configured); // the operator fixes the cause
            try {
                ledger.redeliverFailures(handler, batch, refused);
                ledger.assertExactlyOnce();
            } finally {
                setAppPassword(APP_PASSWORD);
            }
        }
    }

    @Test
    void anUnknownHostFailsTheWholeBatchWithinTheDeadlineWithoutCrashingInit() {
        TetherConfig config = TetherConfig.of(
                "jdbc:mysql://tether-db.invalid:3306/tether", APP_USER, APP_PASSWORD, database.dialect());
        try (Payments handler = new Payments(config)) {
            long started = System.currentTimeMillis();
            SQSBatchResponse response = handler.handleRequest(
                    SqsEvents.event(List.of(Message.of(paymentCaptured("cus-x", 1, "EUR")))),
                    new InvocationContext("tether-payments", 6_000));

            assertThat(response.getBatchItemFailures()).hasSize(1);
            assertThat(System.currentTimeMillis() - started).isLessThan(6_000);
        }
    }

    @Test
    void aDatabaseDownForLongerThanTheInvocationFailsTheBatchAndTheNextInvocationRecovers() {
        EmbeddedMariaDb server = embeddedServer();
        try (Payments handler = appHandler(APP_PASSWORD)) {
            Ledger ledger = new Ledger();
            ledger.deliver(handler, 3);
            List<Message> batch = ledger.next(5);
            server.stopServer();
            SQSBatchResponse down;
            long elapsed;
            try {
                long started = System.currentTimeMillis();
                down = handler.handleRequest(SqsEvents.event(batch), new InvocationContext("tether-payments", 5_000));
                elapsed = System.currentTimeMillis() - started;
            } finally {
                server.startAgain();
            }

            assertThat(down.getBatchItemFailures()).hasSize(5);
            assertThat(elapsed).as("the invocation gave up within its time").isLessThan(5_000);
            ledger.redeliverFailures(handler, batch, down);
            ledger.assertExactlyOnce();
        }
    }

    @Test
    void snapshotHooksCloseThePoolAndARestoredContainerWorksOnANewConnection() throws Exception {
        try (Payments handler = appHandler(APP_PASSWORD)) {
            Ledger ledger = new Ledger();
            ledger.deliver(handler, 3);
            long before = handler.link().connectionId();

            handler.link().snapshotHook().beforeCheckpoint(null);
            assertThat(Sql.rows(database, "SELECT ID FROM information_schema.PROCESSLIST WHERE ID = " + before))
                    .as("no connection goes into the snapshot")
                    .isEmpty();
            handler.link().snapshotHook().afterRestore(null);
            SQSBatchResponse restored = ledger.deliver(handler, 3);

            assertThat(restored.getBatchItemFailures()).isEmpty();
            assertThat(handler.link().connectionId()).isNotEqualTo(before);
            ledger.assertExactlyOnce();
        }
    }

    private static void setAppPassword(String password) {
        Sql.execute(
                database,
                "ALTER USER '" + APP_USER + "'@'%' IDENTIFIED BY '" + password + "'",
                "ALTER USER '" + APP_USER + "'@'localhost' IDENTIFIED BY '" + password + "'");
    }

    private static EmbeddedMariaDb embeddedServer() {
        Optional<EmbeddedMariaDb> server = TestDatabase.embedded();
        assumeThat(server)
                .as("stopping and starting the server needs the embedded one")
                .isPresent();
        return server.get();
    }

    private static Payments appHandler(String password) {
        return new Payments(TetherConfig.of(database.url(), APP_USER, password, database.dialect()));
    }

    /** The payments sent, and the balance each customer must end with: every payment exactly once. */
    private static final class Ledger {
        private final List<Message> sent = new ArrayList<>();
        private final java.util.Map<String, Long> expected = new java.util.TreeMap<>();
        private int counter;

        Message add(String customer, long amount) {
            Message message = Message.of(paymentCaptured(customer, amount, "EUR"));
            sent.add(message);
            expected.merge(customer, amount, Long::sum);
            return message;
        }

        List<Message> next(int count) {
            List<Message> batch = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                counter++;
                batch.add(add("cus-" + (counter % 4), counter));
            }
            return batch;
        }

        SQSBatchResponse deliver(Payments handler, int count) {
            List<Message> batch = next(count);
            SQSBatchResponse response =
                    handler.handleRequest(SqsEvents.event(batch), new InvocationContext("tether-payments", 30_000));
            redeliverFailures(handler, batch, response);
            return response;
        }

        /** SQS redelivers what was reported failed (and, to be harsh, the whole batch again). */
        void redeliverFailures(Payments handler, List<Message> batch, SQSBatchResponse response) {
            if (response.getBatchItemFailures().isEmpty()) {
                return;
            }
            SQSBatchResponse redelivery =
                    handler.handleRequest(SqsEvents.event(batch), new InvocationContext("tether-payments", 60_000));
            assertThat(redelivery.getBatchItemFailures())
                    .as("redelivery commits")
                    .isEmpty();
        }

        void assertExactlyOnce() {
            List<String> rows = Sql.rows(
                    database, "SELECT customer_id, balance_cents FROM customer_balances" + " ORDER BY customer_id");
            List<String> wanted = expected.entrySet().stream()
                    .map(e -> e.getKey() + "|" + e.getValue())
                    .toList();
            assertThat(rows).isEqualTo(wanted);
        }
    }
}
