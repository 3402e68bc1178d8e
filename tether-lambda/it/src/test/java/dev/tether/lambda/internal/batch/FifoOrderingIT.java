package dev.tether.lambda.internal.batch;

import static dev.tether.lambda.it.Payments.paymentCaptured;
import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse.BatchItemFailure;
import dev.tether.lambda.InvocationContext;
import dev.tether.lambda.config.TetherConfig.FifoFailure;
import dev.tether.lambda.it.Payments;
import dev.tether.testing.Sql;
import dev.tether.testing.SqsEvents;
import dev.tether.testing.SqsEvents.Message;
import dev.tether.testing.TestDatabase;
import dev.tether.testing.TestDatabase.Database;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** FIFO queues: a failure holds back the later messages of its group (or of the batch), never applying them. */
class FifoOrderingIT {

    private static Database database;
    private static Payments byGroup;
    private static Payments byBatch;

    @BeforeAll
    static void start() {
        database = TestDatabase.fresh("tether_it_fifo");
        byGroup = new Payments(database.config());
        byBatch = new Payments(database.config().withFifoFailure(FifoFailure.BATCH));
    }

    @AfterAll
    static void stop() {
        byGroup.close();
        byBatch.close();
    }

    @BeforeEach
    void empty() {
        Sql.execute(
                database,
                "DELETE FROM customer_balances",
                "DELETE FROM idempotency_records",
                "INSERT INTO customer_balances VALUES ('cus-full', 'EUR', " + (Long.MAX_VALUE - 10) + ")");
    }

    @Test
    void anInvalidMessageHoldsBackTheRestOfItsGroupWhileOtherGroupsGoOn() {
        List<Message> batch = List.of(
                Message.inGroup("A", paymentCaptured("cus-a1", 1, "EUR")),
                Message.inGroup("B", paymentCaptured("cus-b1", 10, "EUR")),
                Message.inGroup("A", "{not json"),
                Message.inGroup("B", paymentCaptured("cus-b2", 20, "EUR")),
                Message.inGroup("A", paymentCaptured("cus-a3", 3, "EUR")));

        SQSBatchResponse response = invoke(byGroup, batch);

        assertThat(failedIds(response))
                .containsExactly(batch.get(2).messageId(), batch.get(4).messageId());
        assertThat(balances()).containsExactly("cus-a1|1", "cus-b1|10", "cus-b2|20");
    }

    @Test
    void aDatabaseFailureHoldsBackTheRestOfItsGroupWithoutApplyingIt() {
        List<Message> batch = List.of(
                Message.inGroup("A", paymentCaptured("cus-a1", 1, "EUR")),
                Message.inGroup("A", paymentCaptured("cus-full", 100, "EUR")), // BIGINT overflow
                Message.inGroup("B", paymentCaptured("cus-b1", 10, "EUR")),
                Message.inGroup("A", paymentCaptured("cus-a3", 3, "EUR")),
                Message.inGroup("B", paymentCaptured("cus-b2", 20, "EUR")),
                Message.inGroup("C", paymentCaptured("cus-c1", 30, "EUR")));

        SQSBatchResponse response = invoke(byGroup, batch);

        assertThat(failedIds(response))
                .containsExactly(batch.get(1).messageId(), batch.get(3).messageId());
        assertThat(balances()).containsExactly("cus-a1|1", "cus-b1|10", "cus-b2|20", "cus-c1|30");
    }

    @Test
    void theRedeliveredRestOfAGroupAppliesInOrderOnceTheCauseIsGone() {
        List<Message> batch = List.of(
                Message.inGroup("A", paymentCaptured("cus-full", 100, "EUR")),
                Message.inGroup("A", paymentCaptured("cus-a2", 2, "EUR")));
        invoke(byGroup, batch);
        Sql.execute(database, "UPDATE customer_balances SET balance_cents = 0 WHERE customer_id = 'cus-full'");

        SQSBatchResponse redelivery = invoke(byGroup, batch);

        assertThat(redelivery.getBatchItemFailures()).isEmpty();
        assertThat(balances()).containsExactly("cus-a2|2", "cus-full|100");
    }

    @Test
    void theBatchRuleHoldsBackEveryLaterMessage() {
        List<Message> batch = List.of(
                Message.inGroup("A", paymentCaptured("cus-a1", 1, "EUR")),
                Message.inGroup("B", paymentCaptured("cus-full", 100, "EUR")),
                Message.inGroup("A", paymentCaptured("cus-a2", 2, "EUR")),
                Message.inGroup("C", paymentCaptured("cus-c1", 3, "EUR")));

        SQSBatchResponse response = invoke(byBatch, batch);

        assertThat(failedIds(response))
                .containsExactly(
                        batch.get(1).messageId(),
                        batch.get(2).messageId(),
                        batch.get(3).messageId());
        assertThat(balances()).containsExactly("cus-a1|1");
    }

    @Test
    void aStandardQueueHoldsNothingBack() {
        List<Message> batch = List.of(
                Message.of(paymentCaptured("cus-full", 100, "EUR")), Message.of(paymentCaptured("cus-x", 5, "EUR")));

        SQSBatchResponse response = invoke(byBatch, batch);

        assertThat(failedIds(response)).containsExactly(batch.get(0).messageId());
        assertThat(balances()).containsExactly("cus-x|5");
    }

    private static List<String> balances() {
        return Sql.rows(
                database,
                "SELECT customer_id, balance_cents FROM customer_balances"
                        + " WHERE customer_id <> 'cus-full' OR balance_cents < 1000 ORDER BY customer_id");
    }

    private static SQSBatchResponse invoke(Payments handler, List<Message> messages) {
        return handler.handleRequest(SqsEvents.event(messages), new InvocationContext("tether-payments", 60_000));
    }

    private static List<String> failedIds(SQSBatchResponse response) {
        return response.getBatchItemFailures().stream()
                .map(BatchItemFailure::getItemIdentifier)
                .toList();
    }
}
