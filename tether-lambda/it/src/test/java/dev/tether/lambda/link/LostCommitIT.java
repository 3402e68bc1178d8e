package dev.tether.lambda.link;

import static dev.tether.lambda.it.Payments.paymentCaptured;
import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse.BatchItemFailure;
import dev.tether.lambda.InvocationContext;
import dev.tether.lambda.config.IdempotencySettings;
import dev.tether.lambda.config.IdempotencySettings.Mode;
import dev.tether.lambda.config.TetherConfig;
import dev.tether.lambda.it.Payments;
import dev.tether.testing.FaultProxy;
import dev.tether.testing.FaultProxy.CommitFault;
import dev.tether.testing.Sql;
import dev.tether.testing.SqsEvents;
import dev.tether.testing.SqsEvents.Message;
import dev.tether.testing.TestDatabase;
import dev.tether.testing.TestDatabase.Database;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The connection is lost while the batch's COMMIT is under way: the server committed and its answer never arrives
 * ({@link CommitFault#LOSE_REPLY}), or the COMMIT never reached it ({@link CommitFault#CUT_BEFORE}); the client cannot
 * tell which. What each idempotency mode then guarantees, as the README states it, checked on the ledger of balances.
 */
@Timeout(120)
class LostCommitIT {

    private static Database database;

    @BeforeAll
    static void migrate() {
        database = TestDatabase.fresh("tether_it_lost_commit");
    }

    @BeforeEach
    void empty() {
        Sql.execute(database, "DELETE FROM customer_balances", "DELETE FROM idempotency_records");
    }

    @Test
    void transactionalRetriesOnANewConnectionAndTheRecordsMakeItExactlyOnce() throws Exception {
        for (CommitFault fault : CommitFault.values()) {
            empty();
            try (FaultProxy proxy = FaultProxy.inFrontOf(database.url());
                    Payments handler = handler(proxy, Mode.TRANSACTIONAL)) {
                Ledger ledger = new Ledger();
                ledger.commit(handler, ledger.next(3));
                List<Message> batch = ledger.next(5);

                CountDownLatch fired = proxy.onNextCommitOf("customer_balances", fault);
                SQSBatchResponse response = ledger.invoke(handler, batch);

                assertThat(fired.getCount()).as(fault + " happened").isZero();
                assertThat(response.getBatchItemFailures()).as(fault.toString()).isEmpty();
                assertThat(handler.link().retries())
                        .as("retried once on a new connection")
                        .isEqualTo(1);
                ledger.assertApplied(Map.of());
                // SQS may still deliver it again: still nothing twice.
                ledger.commit(handler, batch);
                ledger.assertApplied(Map.of());
            }
        }
    }

    @Test
    void noneReportsTheBatchForRedeliveryAtLeastOnceNeverLost() throws Exception {
        // The COMMIT took effect and its answer was lost: the batch is reported, redelivered, and applied again.
        try (FaultProxy proxy = FaultProxy.inFrontOf(database.url());
                Payments handler = handler(proxy, Mode.NONE)) {
            Ledger ledger = new Ledger();
            List<Message> batch = ledger.next(5);

            proxy.onNextCommitOf("customer_balances", CommitFault.LOSE_REPLY);
            SQSBatchResponse response = ledger.invoke(handler, batch);

            assertThat(ids(response)).containsExactlyInAnyOrderElementsOf(ids(batch));
            assertThat(handler.link().retries())
                    .as("never repeated on the spot")
                    .isZero();
            ledger.assertApplied(Map.of());
            ledger.commit(handler, batch);
            ledger.assertApplied(ledger.amounts(batch));
        }
        empty();
        // The COMMIT never arrived: reported, redelivered, applied once.
        try (FaultProxy proxy = FaultProxy.inFrontOf(database.url());
                Payments handler = handler(proxy, Mode.NONE)) {
            Ledger ledger = new Ledger();
            List<Message> batch = ledger.next(5);

            proxy.onNextCommitOf("customer_balances", CommitFault.CUT_BEFORE);
            SQSBatchResponse response = ledger.invoke(handler, batch);

            assertThat(ids(response)).containsExactlyInAnyOrderElementsOf(ids(batch));
            assertThat(Sql.rows(database, "SELECT * FROM customer_balances")).isEmpty();
            ledger.commit(handler, batch);
            ledger.assertApplied(Map.of());
        }
    }

    @Test
    void powertoolsReportsTheRecordWhoseEffectWasLostAndItsRedeliveryAppliesItAgain() throws Exception {
        try (FaultProxy proxy = FaultProxy.inFrontOf(database.url());
                Payments handler = handler(proxy, Mode.POWERTOOLS_MYSQL)) {
            Ledger ledger = new Ledger();
            List<Message> batch = ledger.next(4);

            // The first record's effect (its own transaction, after Powertools claimed the key) loses its COMMIT.
            proxy.onNextCommitOf("customer_balances", CommitFault.LOSE_REPLY);
            SQSBatchResponse response = ledger.invoke(handler, batch);

            assertThat(ids(response)).containsExactly(batch.get(0).messageId());
            assertThat(handler.link().retries())
                    .as("the effect is never repeated on the spot")
                    .isZero();
            ledger.assertApplied(Map.of());
            // Powertools released the key of the failed record: its redelivery applies it a second time; the
            // others are duplicates of completed records.
            ledger.commit(handler, batch);
            ledger.assertApplied(ledger.amounts(batch.subList(0, 1)));
        }
    }

    private static Payments handler(FaultProxy proxy, Mode mode) {
        TetherConfig config =
                TetherConfig.of(proxy.route(database.url()), database.user(), database.password(), database.dialect());
        return new Payments(
                config.withIdempotency(IdempotencySettings.defaults().withMode(mode)));
    }

    private static List<String> ids(SQSBatchResponse response) {
        return response.getBatchItemFailures().stream()
                .map(BatchItemFailure::getItemIdentifier)
                .toList();
    }

    private static List<String> ids(List<Message> batch) {
        return batch.stream().map(Message::messageId).toList();
    }

    /** The payments sent, one customer each, and the balances they must leave. */
    private static final class Ledger {
        private final Map<String, Long> sent = new TreeMap<>();
        private final Map<String, String> customerOf = new TreeMap<>();
        private int counter;

        List<Message> next(int count) {
            List<Message> batch = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                counter++;
                String customer = "cus-" + counter;
                Message message = Message.of(paymentCaptured(customer, counter * 10L, "EUR"));
                sent.put(customer, counter * 10L);
                customerOf.put(message.messageId(), customer);
                batch.add(message);
            }
            return batch;
        }

        SQSBatchResponse invoke(Payments handler, List<Message> batch) {
            return handler.handleRequest(SqsEvents.event(batch), new InvocationContext("tether-payments", 30_000));
        }

        void commit(Payments handler, List<Message> batch) {
            assertThat(invoke(handler, batch).getBatchItemFailures()).isEmpty();
        }

        /** Each message's customer and amount. */
        Map<String, Long> amounts(List<Message> batch) {
            Map<String, Long> amounts = new TreeMap<>();
            batch.forEach(m -> amounts.put(customerOf.get(m.messageId()), sent.get(customerOf.get(m.messageId()))));
            return amounts;
        }

        /** Every payment sent applied once, plus {@code twice}: the ones applied a second time. */
        void assertApplied(Map<String, Long> twice) {
            List<String> wanted = sent.entrySet().stream()
                    .map(e -> e.getKey() + "|" + (e.getValue() + twice.getOrDefault(e.getKey(), 0L)))
                    .toList();
            assertThat(Sql.rows(database, "SELECT customer_id, balance_cents FROM customer_balances"))
                    .containsExactlyInAnyOrderElementsOf(wanted);
        }
    }
}
