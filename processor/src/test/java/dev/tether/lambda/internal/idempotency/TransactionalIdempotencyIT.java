package dev.tether.lambda.internal.idempotency;

import static dev.tether.processor.testing.OrderEvents.orderUpserted;
import static dev.tether.processor.testing.OrderEvents.paymentCaptured;
import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse.BatchItemFailure;
import dev.tether.lambda.InvocationContext;
import dev.tether.lambda.config.IdempotencySettings;
import dev.tether.lambda.internal.batch.HoldBackPolicy;
import dev.tether.lambda.internal.batch.IsolatingCommitter.Outcome;
import dev.tether.lambda.internal.batch.Route;
import dev.tether.lambda.internal.batch.Routed;
import dev.tether.lambda.internal.batch.Routes;
import dev.tether.lambda.internal.batch.TransactionalExecution;
import dev.tether.lambda.link.DatabaseLink;
import dev.tether.processor.handler.OrderEventsHandler;
import dev.tether.processor.order.OrderEventParser;
import dev.tether.processor.write.OrderEventWriter;
import dev.tether.testing.Sql;
import dev.tether.testing.SqsEvents;
import dev.tether.testing.SqsEvents.Message;
import dev.tether.testing.TestDatabase;
import dev.tether.testing.TestDatabase.Database;
import java.sql.Connection;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The default, transactional idempotency: each event's effect exactly once, whatever SQS and containers do. */
class TransactionalIdempotencyIT {

    private static Database database;
    private static OrderEventsHandler handler;

    @BeforeAll
    static void start() {
        database = TestDatabase.fresh("tether_it_idem_tx");
        handler = new OrderEventsHandler(database.config());
    }

    @AfterAll
    static void stop() {
        handler.close();
    }

    @BeforeEach
    void empty() {
        Sql.execute(
                database,
                "DELETE FROM customer_balances",
                "DELETE FROM idempotency_records",
                "DELETE FROM order_lines",
                "DELETE FROM orders");
    }

    @Test
    void theSameEventTwiceInOneBatchMovesTheBalanceOnceAndBothSucceed() {
        String payment = paymentCaptured("cus-1", 500, "EUR");

        SQSBatchResponse response = invoke(handler, List.of(Message.of(payment), Message.of(payment)));

        assertThat(response.getBatchItemFailures()).isEmpty();
        assertThat(balance("cus-1")).isEqualTo(500);
        assertThat(Sql.number(database, "SELECT COUNT(*) FROM idempotency_records"))
                .isEqualTo(1);
    }

    @Test
    void theSameEventInTwoBatchesMovesTheBalanceOnceAndTheRepeatSucceeds() {
        String payment = paymentCaptured("cus-2", 700, "EUR");

        SQSBatchResponse first = invoke(handler, List.of(Message.of(payment)));
        SQSBatchResponse second =
                invoke(handler, List.of(Message.of(payment), Message.of(paymentCaptured("cus-2", 1, "EUR"))));

        assertThat(first.getBatchItemFailures()).isEmpty();
        assertThat(second.getBatchItemFailures()).isEmpty();
        assertThat(balance("cus-2")).isEqualTo(701);
    }

    @Test
    void theRecordHasPowertoolsLayoutAndTheConfiguredExpiry() {
        UUID eventId = UUID.randomUUID();
        long before = System.currentTimeMillis() / 1000;

        invoke(handler, List.of(Message.of(paymentCaptured(eventId, "cus-3", 1, "EUR"))));

        String row = Sql.rows(
                        database,
                        "SELECT id, status, expiration, in_progress_expiration, response_data,"
                                + " LENGTH(payload_hash) FROM idempotency_records")
                .get(0);
        String[] columns = row.split("\\|");
        assertThat(columns[0])
                .isEqualTo("testFunction.apply#"
                        + IdempotencyKeys.hash(
                                com.fasterxml.jackson.databind.node.TextNode.valueOf(eventId.toString())));
        assertThat(columns[1]).isEqualTo("COMPLETED");
        assertThat(Long.parseLong(columns[2]) - before).isBetween(14L * 86_400 - 5, 14L * 86_400 + 5);
        assertThat(columns[3]).isEqualTo("null");
        assertThat(columns[4]).isEqualTo("applied");
        assertThat(columns[5]).isEqualTo("32");
    }

    @Test
    void theSameKeyWithAnotherPayloadFailsNamingTheKeyAndAppliesNothing() {
        UUID eventId = UUID.randomUUID();
        invoke(handler, List.of(Message.of(paymentCaptured(eventId, "cus-4", 100, "EUR"))));
        List<Message> batch = List.of(
                Message.of(paymentCaptured(eventId, "cus-4", 999, "EUR")),
                Message.of(paymentCaptured("cus-5", 5, "EUR")));

        Outcome<Routed> outcome = execute(batch);
        SQSBatchResponse response = invoke(handler, batch);

        assertThat(outcome.failed())
                .singleElement()
                .satisfies(f -> assertThat(f.cause())
                        .hasMessageContaining("idempotency key '" + eventId + "'")
                        .hasMessageContaining("different payload"));
        assertThat(failedIds(response)).containsExactly(batch.get(0).messageId());
        assertThat(balance("cus-4")).isEqualTo(100);
        assertThat(balance("cus-5")).isEqualTo(5); // applied by the first run, a duplicate in the second
    }

    @Test
    void anExpiredRecordLetsTheEventApplyAgain() {
        String payment = paymentCaptured("cus-6", 40, "EUR");
        invoke(handler, List.of(Message.of(payment)));

        // Time passes beyond the expiry: the record now lies in the past.
        Sql.execute(database, "UPDATE idempotency_records SET expiration = UNIX_TIMESTAMP() - 1");
        SQSBatchResponse response = invoke(handler, List.of(Message.of(payment)));

        assertThat(response.getBatchItemFailures()).isEmpty();
        assertThat(balance("cus-6")).isEqualTo(80);
        assertThat(Sql.number(database, "SELECT COUNT(*) FROM idempotency_records WHERE expiration > UNIX_TIMESTAMP()"))
                .isEqualTo(1);
    }

    @Test
    void expiredRecordsAreSweptAndLiveOnesKept() {
        invoke(
                handler,
                List.of(
                        Message.of(paymentCaptured("cus-7", 1, "EUR")),
                        Message.of(paymentCaptured("cus-7", 2, "EUR"))));
        Sql.execute(database, "UPDATE idempotency_records SET expiration = 100 LIMIT 1");
        DatabaseLink link = handler.link();

        int deleted = new ExpiredRecordSweeper(link).sweepIfDue(java.time.Instant.now());

        assertThat(deleted).isEqualTo(1);
        assertThat(Sql.number(database, "SELECT COUNT(*) FROM idempotency_records"))
                .isEqualTo(1);
    }

    @Test
    void aMissingEventIdIsAValidationFailureWithoutAFallback() {
        Message noKey = Message.of(paymentCaptured("cus-8", 10, "EUR").replaceFirst("\"eventId\":\"[^\"]+\",", ""));

        SQSBatchResponse response = invoke(handler, List.of(noKey));

        assertThat(failedIds(response)).containsExactly(noKey.messageId());
        assertThat(Sql.rows(database, "SELECT * FROM customer_balances")).isEmpty();
    }

    @Test
    void withTheMessageIdFallbackAMessageWithoutEventIdAppliesOncePerMessageId() {
        try (OrderEventsHandler fallback = new OrderEventsHandler(
                database.config().withIdempotency(IdempotencySettings.defaults().withFallbackToMessageId(true)))) {
            Message noKey = Message.of(paymentCaptured("cus-9", 10, "EUR").replaceFirst("\"eventId\":\"[^\"]+\",", ""));

            SQSBatchResponse first = invoke(fallback, List.of(noKey));
            SQSBatchResponse redelivery = invoke(fallback, List.of(noKey));

            assertThat(first.getBatchItemFailures()).isEmpty();
            assertThat(redelivery.getBatchItemFailures()).isEmpty();
            assertThat(balance("cus-9")).isEqualTo(10);
        }
    }

    @Test
    void aKeyHeldByAnUncommittedWinnerFailsFastAndItsRedeliveryIsADuplicateOnceTheWinnerCommits() throws Exception {
        UUID eventId = UUID.randomUUID();
        Message contested = Message.of(paymentCaptured(eventId, "cus-10", 300, "EUR"));
        Message other = Message.of(paymentCaptured("cus-11", 3, "EUR"));
        try (Connection winner = database.connect()) {
            // The winner: another container that applied the same event and has not committed yet.
            winner.setAutoCommit(false);
            winnerApplies(winner, contested);

            SQSBatchResponse loser = invoke(handler, List.of(contested, other));

            assertThat(failedIds(loser)).containsExactly(contested.messageId());
            assertThat(balance("cus-11")).isEqualTo(3);
            winner.commit();
        }
        SQSBatchResponse redelivery = invoke(handler, List.of(contested));

        assertThat(redelivery.getBatchItemFailures()).isEmpty();
        assertThat(balance("cus-10")).isEqualTo(300);
    }

    @Test
    void aKeyHeldByAWinnerThatRollsBackAppliesOnRedelivery() throws Exception {
        Message contested = Message.of(paymentCaptured("cus-12", 300, "EUR"));
        try (Connection winner = database.connect()) {
            winner.setAutoCommit(false);
            winnerApplies(winner, contested);

            SQSBatchResponse loser = invoke(handler, List.of(contested));

            assertThat(failedIds(loser)).containsExactly(contested.messageId());
            winner.rollback();
        }
        SQSBatchResponse redelivery = invoke(handler, List.of(contested));

        assertThat(redelivery.getBatchItemFailures()).isEmpty();
        assertThat(balance("cus-12")).isEqualTo(300);
    }

    @Test
    void twoContainersRacingOverTheSameEventsApplyEachExactlyOnce() throws Exception {
        try (OrderEventsHandler a = new OrderEventsHandler(database.config());
                OrderEventsHandler b = new OrderEventsHandler(database.config())) {
            ExecutorService threads = Executors.newFixedThreadPool(2);
            try {
                for (int round = 0; round < 3; round++) {
                    List<Message> events = new ArrayList<>();
                    long expected = 0;
                    for (int i = 0; i < 300; i++) {
                        events.add(Message.of(paymentCaptured("cus-race-" + round + "-" + (i % 7), i + 1, "EUR")));
                        expected += i + 1;
                    }
                    // Both containers receive every event (visibility timeouts lapsed), in different orders.
                    Future<List<Message>> left = threads.submit(deliverAll(a, events, new Random(round)));
                    Future<List<Message>> right = threads.submit(deliverAll(b, events, new Random(100 + round)));
                    List<Message> failed = new ArrayList<>(left.get());
                    failed.addAll(right.get());
                    // What was reported failed is redelivered until nothing fails.
                    for (int redelivery = 0; !failed.isEmpty() && redelivery < 10; redelivery++) {
                        failed = failedMessages(a, failed);
                    }
                    assertThat(failed)
                            .as("redelivered messages eventually commit")
                            .isEmpty();
                    assertThat(Sql.number(
                                    database,
                                    "SELECT SUM(balance_cents) FROM customer_balances"
                                            + " WHERE customer_id LIKE 'cus-race-" + round + "-%'"))
                            .as("round %d", round)
                            .isEqualTo(expected);
                }
            } finally {
                threads.shutdownNow();
            }
        }
        assertThat(Sql.number(database, "SELECT COUNT(*) FROM idempotency_records"))
                .isEqualTo(3 * 300);
    }

    @Test
    void aBatchOfAThousandCostsTheSameStatementsAsABatchOfTen() {
        invoke(handler, List.of(Message.of(paymentCaptured("cus-warm-up", 1, "EUR"))));
        List<String> small = statements(10);
        List<String> large = statements(1_000);

        assertThat(large).hasSameSizeAs(small);
        assertThat(small.get(0))
                .startsWith("select")
                .contains("idempotency_records")
                .endsWith("for update nowait");
        assertThat(small.get(1)).startsWith("insert into `idempotency_records`");
    }

    private List<String> statements(int size) {
        List<Message> batch = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            batch.add(Message.of(
                    i % 2 == 0
                            ? paymentCaptured("cus-s-" + i, 1, "EUR")
                            : orderUpserted("ord-s-" + size + "-" + i, "cus-1", "PLACED", 1, "A")));
        }
        var event = SqsEvents.event(batch);
        List<SQSBatchResponse> responses = new ArrayList<>();
        List<String> statements = Sql.statementsOn(
                database,
                handler.link().connectionId(),
                () -> responses.add(handler.handleRequest(event, new InvocationContext("tether-orders", 60_000))));
        assertThat(responses.get(0).getBatchItemFailures()).isEmpty();
        return statements;
    }

    private static Callable<List<Message>> deliverAll(OrderEventsHandler target, List<Message> events, Random random) {
        return () -> {
            List<Message> shuffled = new ArrayList<>(events);
            Collections.shuffle(shuffled, random);
            List<Message> failed = new ArrayList<>();
            for (int from = 0; from < shuffled.size(); from += 50) {
                failed.addAll(failedMessages(target, shuffled.subList(from, Math.min(from + 50, shuffled.size()))));
            }
            return failed;
        };
    }

    private static List<Message> failedMessages(OrderEventsHandler target, List<Message> batch) {
        List<String> failedIds = failedIds(invoke(target, batch));
        return batch.stream().filter(m -> failedIds.contains(m.messageId())).toList();
    }

    /** What a winning container's transaction holds: the record of the key, written but not committed. */
    private static void winnerApplies(Connection winner, Message message) throws Exception {
        IdempotencyKeys keys = new IdempotencyKeys(IdempotencySettings.defaults());
        IdempotencyKeys.Key key =
                keys.of(SqsEvents.event(List.of(message)).getRecords().get(0));
        try (var insert = winner.prepareStatement("INSERT INTO idempotency_records (id, status, expiration,"
                + " response_data, payload_hash) VALUES (?, 'COMPLETED', UNIX_TIMESTAMP() + 3600, 'applied', ?)")) {
            insert.setString(1, key.id());
            insert.setString(2, key.payloadHash());
            insert.executeUpdate();
        }
        // The winner's effect, in the same uncommitted transaction.
        String customer = message.body().replaceAll(".*\"customerId\":\"([^\"]+)\".*", "$1");
        String amount = message.body().replaceAll(".*\"amountCents\":(\\d+).*", "$1");
        try (var effect = winner.prepareStatement("INSERT INTO customer_balances VALUES (?, 'EUR', ?)")) {
            effect.setString(1, customer);
            effect.setLong(2, Long.parseLong(amount));
            effect.executeUpdate();
        }
    }

    private static Outcome<Routed> execute(List<Message> batch) {
        IdempotencyKeys keys = new IdempotencyKeys(IdempotencySettings.defaults());
        OrderEventParser parser = new OrderEventParser();
        OrderEventWriter writer = new OrderEventWriter();
        @SuppressWarnings("unchecked")
        Route route = new Route(
                "orders",
                message -> parser.parse(message.body()),
                (tx, events) -> writer.write(tx, (List<dev.tether.processor.order.OrderEvent>) (List<?>) events),
                keys);
        List<Routed> messages = new ArrayList<>();
        for (var sqs : SqsEvents.event(batch).getRecords()) {
            try {
                messages.add(new Routed(sqs, route, parser.parse(sqs.getBody()), keys.of(sqs)));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        TransactionalExecution execution = new TransactionalExecution(
                handler.link(),
                new Routes(List.of(route)),
                new TransactionalIdempotency(IdempotencySettings.DEFAULT_EXPIRY),
                Clock.systemUTC());
        return execution.run(messages, HoldBackPolicy.independent());
    }

    private static long balance(String customer) {
        return Sql.number(
                database,
                "SELECT COALESCE(SUM(balance_cents), 0) FROM customer_balances WHERE customer_id = '" + customer + "'");
    }

    private static SQSBatchResponse invoke(OrderEventsHandler target, List<Message> messages) {
        return target.handleRequest(SqsEvents.event(messages), new InvocationContext("tether-orders", 60_000));
    }

    private static List<String> failedIds(SQSBatchResponse response) {
        return response.getBatchItemFailures().stream()
                .map(BatchItemFailure::getItemIdentifier)
                .toList();
    }
}
