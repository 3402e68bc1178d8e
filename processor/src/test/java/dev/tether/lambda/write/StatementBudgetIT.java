package dev.tether.lambda.write;

import static dev.tether.processor.testing.OrderEvents.orderUpserted;
import static dev.tether.processor.testing.OrderEvents.paymentCaptured;
import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import dev.tether.lambda.InvocationContext;
import dev.tether.lambda.config.TetherConfig;
import dev.tether.processor.handler.OrderEventsHandler;
import dev.tether.testing.Sql;
import dev.tether.testing.SqsEvents;
import dev.tether.testing.SqsEvents.Message;
import dev.tether.testing.TestDatabase;
import dev.tether.testing.TestDatabase.Database;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every statement Tether sends stays under {@code TETHER_MAX_STATEMENT_BYTES} and under the server's
 * {@code max_allowed_packet}, however large the batch, and the batch is still one transaction: the statements the
 * server received are read back from its general query log.
 */
class StatementBudgetIT {

    private static final int ONE_MEGABYTE = 1024 * 1024;

    private static Database database;
    private static String originalPacket;

    @BeforeAll
    static void shrinkThePacketLimit() throws Exception {
        database = TestDatabase.fresh("tether_it_budget");
        try (Connection admin = TestDatabase.admin();
                Statement sql = admin.createStatement()) {
            originalPacket =
                    Sql.rows(admin, "SELECT @@global.max_allowed_packet").get(0);
            sql.execute("SET GLOBAL max_allowed_packet = " + ONE_MEGABYTE); // for connections opened from now on
        }
    }

    @AfterAll
    static void restoreThePacketLimit() throws Exception {
        try (Connection admin = TestDatabase.admin();
                Statement sql = admin.createStatement()) {
            sql.execute("SET GLOBAL max_allowed_packet = " + originalPacket);
        }
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
    void tenThousandPaymentsUnderAQuarterMegabyteBudgetAreOneTransactionOfStatementsThatFit() {
        // Only the batch's own statements are counted: no connection-usage check in between.
        TetherConfig config =
                database.config().withMaxStatementBytes(256 * 1024).withShareConnections(false);
        try (OrderEventsHandler handler = new OrderEventsHandler(config)) {
            List<String> statements = sendAndCapture(handler, payments(10_000));

            assertThat(statements.stream().filter(s -> s.equalsIgnoreCase("commit")))
                    .hasSize(1);
            assertThat(statements.stream().filter(s -> s.equalsIgnoreCase("rollback")))
                    .isEmpty();
            assertThat(maxBytes(statements)).isLessThanOrEqualTo(256 * 1024);
            // Cut only where the budget asks, because the size estimate is close to the real size: every statement
            // of a kind but its last is nearly full.
            assertNearlyFullBeforeTheLast(statements, 256 * 1024);
            assertThat(Sql.number(database, "SELECT COUNT(*) FROM customer_balances"))
                    .isEqualTo(10_000);
            assertThat(Sql.number(database, "SELECT SUM(balance_cents) FROM customer_balances"))
                    .isEqualTo(10_000L * 10_001 / 2);
        }
    }

    @Test
    void theDefaultBudgetYieldsToAServerWhosePacketLimitIsSmaller() {
        try (OrderEventsHandler handler =
                new OrderEventsHandler(database.config().withShareConnections(false))) {
            List<Message> batch = payments(10_000);
            for (int i = 0; i < 2_000; i++) {
                batch.add(Message.of(orderUpserted("ord-" + i, "cus-" + i, "PLACED", 1, "SKU-A", "SKU-B", "SKU-C")));
            }
            List<String> statements = sendAndCapture(handler, batch);

            assertThat(statements.stream().filter(s -> s.equalsIgnoreCase("commit")))
                    .hasSize(1);
            assertThat(maxBytes(statements)).isLessThanOrEqualTo(ONE_MEGABYTE);
            assertThat(Sql.number(database, "SELECT COUNT(*) FROM order_lines")).isEqualTo(6_000);
            assertThat(Sql.number(database, "SELECT COUNT(*) FROM customer_balances"))
                    .isEqualTo(10_000);
        }
    }

    private static List<Message> payments(int count) {
        List<Message> batch = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            batch.add(Message.of(paymentCaptured("cus-" + i, i, "EUR")));
        }
        return batch;
    }

    /** Sends {@code batch} in one invocation and returns what the handler's connection sent while it ran. */
    private static List<String> sendAndCapture(OrderEventsHandler handler, List<Message> batch) {
        // A first invocation shows which connection the handler uses.
        assertThat(invoke(handler, List.of(Message.of(paymentCaptured("cus-warm", 1, "EUR"))))
                        .getBatchItemFailures())
                .isEmpty();
        Sql.execute(database, "DELETE FROM customer_balances");
        List<SQSBatchResponse> response = new ArrayList<>();
        List<String> statements =
                Sql.statementsOn(database, handler.link().connectionId(), () -> response.add(invoke(handler, batch)));
        assertThat(response.get(0).getBatchItemFailures()).isEmpty();
        return statements;
    }

    private static SQSBatchResponse invoke(OrderEventsHandler handler, List<Message> batch) {
        return handler.handleRequest(SqsEvents.event(batch), new InvocationContext("tether-orders", 120_000));
    }

    /** Statements of one kind (the same text up to the first value) are at least 90 % of the budget but the last. */
    private static void assertNearlyFullBeforeTheLast(List<String> statements, int budget) {
        java.util.Map<String, List<Integer>> sizesByKind = new java.util.LinkedHashMap<>();
        for (String statement : statements) {
            String kind = statement.substring(0, Math.min(statement.length(), Math.max(statement.indexOf('\''), 6)));
            sizesByKind
                    .computeIfAbsent(kind, k -> new ArrayList<>())
                    .add(statement.getBytes(StandardCharsets.UTF_8).length);
        }
        assertThat(sizesByKind.values().stream().mapToInt(List::size).max().orElse(0))
                .as("some kind of statement had to be cut")
                .isGreaterThan(1);
        sizesByKind.forEach((kind, sizes) -> assertThat(sizes.subList(0, sizes.size() - 1))
                .as("sizes of '%s…'", kind)
                .allSatisfy(size -> assertThat(size).isGreaterThanOrEqualTo(budget * 9 / 10)));
    }

    private static int maxBytes(List<String> statements) {
        return statements.stream()
                .mapToInt(s -> s.getBytes(StandardCharsets.UTF_8).length)
                .max()
                .orElse(0);
    }
}
