package dev.tether.examples.inventory;

import static dev.tether.examples.inventory.InventoryHandlerIT.adjusted;
import static dev.tether.examples.inventory.InventoryHandlerIT.failed;
import static dev.tether.examples.inventory.InventoryHandlerIT.invoke;
import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import dev.tether.lambda.config.TetherConfig;
import dev.tether.testing.AppUser;
import dev.tether.testing.Sql;
import dev.tether.testing.SqsEvents.Message;
import dev.tether.testing.TestDatabase;
import dev.tether.testing.TestDatabase.Database;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Lambda Managed Instances: one handler instance, as the runtime builds it once per execution environment, invoked
 * from several threads at once against the real server, on a pool of connections. Each test is a guarantee of the
 * issue that brought pools: nothing waits on another invocation's lock, every invocation answers within its own
 * deadline, nothing applies twice, nothing is lost.
 */
class ManagedInstancesIT {

    private final ExecutorService threads = Executors.newCachedThreadPool();
    private Database database;

    @BeforeEach
    void freshDatabase() {
        database = TestDatabase.empty("tether_it_managed");
    }

    @AfterEach
    void stopThreads() {
        threads.shutdownNow();
    }

    private InventoryHandler environment(int poolSize) {
        return new InventoryHandler(database.config().withPoolSize(poolSize));
    }

    @Test
    void anInvocationBlockedOnARowLockHoldsUpNoInvocationOnOtherRows() throws Exception {
        InventoryHandler handler = environment(4);
        invoke(handler, List.of(Message.of(adjusted("sku-locked", "ams", 1))), 30_000);
        try (Connection blocker = database.connect();
                Statement sql = blocker.createStatement()) {
            blocker.setAutoCommit(false);
            sql.executeQuery(
                    "SELECT quantity FROM inventory WHERE sku = 'sku-locked' AND warehouse = 'ams' FOR UPDATE");

            CompletableFuture<SQSBatchResponse> blocked =
                    async(handler, List.of(Message.of(adjusted("sku-locked", "ams", 5))), 30_000);
            waitForLockWait();
            // A row past the locked one: InnoDB's own next-key lock of the waiting upsert covers the gap before
            // 'sku-locked', which would hold up an insert there whatever the client.
            long started = System.currentTimeMillis();
            SQSBatchResponse other = invoke(handler, List.of(Message.of(adjusted("sku-other", "ams", 7))), 30_000);
            long tookMillis = System.currentTimeMillis() - started;

            assertThat(other.getBatchItemFailures()).isEmpty();
            assertThat(tookMillis)
                    .as("the other rows' invocation took %d ms", tookMillis)
                    .isLessThan(5_000);
            assertThat(blocked).as("the blocked invocation is still waiting").isNotDone();
            blocker.rollback();
            assertThat(blocked.get(30, TimeUnit.SECONDS).getBatchItemFailures()).isEmpty();
        }
        assertThat(stock()).containsExactly("sku-locked|ams|6", "sku-other|ams|7");
    }

    @Test
    void everyInvocationAnswersWithinItsOwnDeadlineAndLeavesNothingWaitingOnTheServer() throws Exception {
        InventoryHandler handler = environment(4);
        invoke(handler, List.of(Message.of(adjusted("sku-locked", "ams", 1))), 30_000);
        try (Connection blocker = database.connect();
                Statement sql = blocker.createStatement()) {
            blocker.setAutoCommit(false);
            sql.executeQuery(
                    "SELECT quantity FROM inventory WHERE sku = 'sku-locked' AND warehouse = 'ams' FOR UPDATE");

            CompletableFuture<SQSBatchResponse> patient =
                    async(handler, List.of(Message.of(adjusted("sku-locked", "ams", 5))), 30_000);
            long started = System.currentTimeMillis();
            CompletableFuture<SQSBatchResponse> hurried =
                    async(handler, List.of(Message.of(adjusted("sku-locked", "ams", 3))), 3_000);
            SQSBatchResponse hurriedResponse = hurried.get(10, TimeUnit.SECONDS);
            long answeredAfter = System.currentTimeMillis() - started;

            assertThat(answeredAfter).as("answered after %d ms", answeredAfter).isLessThan(3_000);
            assertThat(hurriedResponse.getBatchItemFailures()).hasSize(1);
            assertThat(patient).as("the invocation with 30 s left still waits").isNotDone();
            // The hurried invocation's statement was cut off at its deadline; the server is not left waiting on it:
            // only the patient invocation's session still waits for the lock.
            assertThat(lockWaits()).as("sessions waiting for a lock").isEqualTo(1);
            blocker.rollback();
            assertThat(patient.get(30, TimeUnit.SECONDS).getBatchItemFailures()).isEmpty();
        }
        assertThat(stock()).containsExactly("sku-locked|ams|6");
    }

    @Test
    void anInvocationThatCannotGetAPooledConnectionInTimeReportsItsBatchFailedInTime() throws Exception {
        InventoryHandler handler = environment(1);
        invoke(handler, List.of(Message.of(adjusted("sku-locked", "ams", 1))), 30_000);
        try (Connection blocker = database.connect();
                Statement sql = blocker.createStatement()) {
            blocker.setAutoCommit(false);
            sql.executeQuery(
                    "SELECT quantity FROM inventory WHERE sku = 'sku-locked' AND warehouse = 'ams' FOR UPDATE");
            CompletableFuture<SQSBatchResponse> holder =
                    async(handler, List.of(Message.of(adjusted("sku-locked", "ams", 5))), 30_000);
            waitForLockWait();

            List<Message> starved =
                    List.of(Message.of(adjusted("sku-a", "ams", 1)), Message.of(adjusted("sku-b", "ams", 2)));
            long started = System.currentTimeMillis();
            SQSBatchResponse response = invoke(handler, starved, 2_000);
            long answeredAfter = System.currentTimeMillis() - started;

            assertThat(answeredAfter).as("answered after %d ms", answeredAfter).isLessThan(2_000);
            assertThat(failed(response))
                    .containsExactlyInAnyOrder(
                            starved.get(0).messageId(), starved.get(1).messageId());
            blocker.rollback();
            assertThat(holder.get(30, TimeUnit.SECONDS).getBatchItemFailures()).isEmpty();
            assertThat(invoke(handler, starved, 30_000).getBatchItemFailures()).isEmpty();
        }
        assertThat(stock()).containsExactly("sku-a|ams|1", "sku-b|ams|2", "sku-locked|ams|6");
    }

    @Test
    void theSameNewEventDeliveredToEightConcurrentInvocationsAppliesOnce() throws Exception {
        InventoryHandler handler = environment(8);
        invoke(handler, List.of(Message.of(adjusted("sku-warm", "ams", 1))), 30_000);
        for (int round = 0; round < 5; round++) {
            String once = adjusted(UUID.randomUUID().toString(), "sku-1", "ams", 10);
            List<CompletableFuture<SQSBatchResponse>> deliveries = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                deliveries.add(async(handler, List.of(Message.of(once)), 30_000));
            }
            int reported = 0;
            for (CompletableFuture<SQSBatchResponse> delivery : deliveries) {
                // A delivery that meets the key's record while the first one's transaction is still open is
                // reported at once, for SQS to redeliver; none applies a second time.
                reported += delivery.get(30, TimeUnit.SECONDS)
                        .getBatchItemFailures()
                        .size();
            }
            assertThat(reported)
                    .as("deliveries reported while the key was in progress")
                    .isLessThan(8);
            for (int i = 0; i < reported; i++) {
                assertThat(invoke(handler, List.of(Message.of(once)), 30_000).getBatchItemFailures())
                        .as("a redelivery is a duplicate")
                        .isEmpty();
            }
        }
        assertThat(stock()).containsExactly("sku-1|ams|50", "sku-warm|ams|1");
    }

    @Test
    void whenEveryPooledConnectionIsKilledBetweenTwoWavesTheNextWaveReportsNoFailure() throws Exception {
        environment(4); // the owner creates the tables
        AppUser app = AppUser.create(database, "tether_managed", "secret");
        InventoryHandler limited =
                new InventoryHandler(TetherConfig.of(database.url(), app.name(), app.password(), database.dialect())
                        .withPoolSize(4));
        List<CompletableFuture<SQSBatchResponse>> first = wave(limited, "first");
        for (CompletableFuture<SQSBatchResponse> invocation : first) {
            assertThat(invocation.get(30, TimeUnit.SECONDS).getBatchItemFailures())
                    .isEmpty();
        }
        long held = app.connections();
        assertThat(held).as("connections the environment held").isBetween(1L, 4L);
        for (String id :
                Sql.rows(database, "SELECT ID FROM information_schema.PROCESSLIST WHERE USER = '" + app.name() + "'")) {
            Sql.execute(database, "KILL CONNECTION " + id);
        }

        for (CompletableFuture<SQSBatchResponse> invocation : wave(limited, "second")) {
            assertThat(invocation.get(30, TimeUnit.SECONDS).getBatchItemFailures())
                    .isEmpty();
        }
        assertThat(stock()).containsExactly("sku-first|ams|4", "sku-second|ams|4");
    }

    @Test
    void aLoginLimitedBelowThePoolSizeLosesNothing() throws Exception {
        new InventoryHandler(database.config()); // the owner creates the tables
        AppUser app = AppUser.create(database, "tether_managed_limited", "secret");
        app.maxConnections(2);
        InventoryHandler handler =
                new InventoryHandler(TetherConfig.of(database.url(), app.name(), app.password(), database.dialect())
                        .withPoolSize(6));
        List<Message> pending = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            pending.add(Message.of(adjusted("sku-" + (i % 4), "ams", 1)));
        }
        for (int round = 0; round < 30 && !pending.isEmpty(); round++) {
            List<CompletableFuture<SQSBatchResponse>> invocations = new ArrayList<>();
            List<List<Message>> shares = new ArrayList<>();
            for (int t = 0; t < 6; t++) {
                List<Message> share = new ArrayList<>();
                for (int i = t; i < pending.size(); i += 6) {
                    share.add(pending.get(i));
                }
                if (!share.isEmpty()) {
                    shares.add(share);
                    invocations.add(async(handler, share, 3_000));
                }
            }
            List<Message> next = new ArrayList<>();
            for (int t = 0; t < invocations.size(); t++) {
                List<String> reported = failed(invocations.get(t).get(30, TimeUnit.SECONDS));
                shares.get(t).stream()
                        .filter(m -> reported.contains(m.messageId()))
                        .forEach(next::add);
            }
            assertThat(app.connections())
                    .as("never more than the login may hold")
                    .isLessThanOrEqualTo(2);
            pending = next;
        }

        assertThat(pending).as("every adjustment landed").isEmpty();
        assertThat(stock()).containsExactly("sku-0|ams|15", "sku-1|ams|15", "sku-2|ams|15", "sku-3|ams|15");
    }

    private List<CompletableFuture<SQSBatchResponse>> wave(InventoryHandler handler, String sku) {
        List<CompletableFuture<SQSBatchResponse>> wave = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            wave.add(async(handler, List.of(Message.of(adjusted("sku-" + sku, "ams", 1))), 30_000));
        }
        return wave;
    }

    /** Waits until a session of the handler waits for a row lock (the blocked invocation reached the server). */
    private void waitForLockWait() throws InterruptedException {
        long until = System.currentTimeMillis() + 10_000;
        while (lockWaits() == 0 && System.currentTimeMillis() < until) {
            Thread.sleep(20);
        }
        assertThat(lockWaits()).as("an invocation waits for the lock").isPositive();
    }

    /** Sessions whose upsert into inventory is still running on the server: each waits for the row lock. */
    private long lockWaits() {
        return Sql.number(
                database,
                "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE COMMAND = 'Query'"
                        + " AND INFO LIKE 'insert into `inventory`%'");
    }

    private CompletableFuture<SQSBatchResponse> async(InventoryHandler handler, List<Message> batch, int remaining) {
        return CompletableFuture.supplyAsync(() -> invoke(handler, batch, remaining), threads);
    }

    private List<String> stock() {
        return Sql.rows(
                database, "SELECT CONCAT(sku, '|', warehouse, '|', quantity) FROM inventory ORDER BY sku, warehouse");
    }
}
