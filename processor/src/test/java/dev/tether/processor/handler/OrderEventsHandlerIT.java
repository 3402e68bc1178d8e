package dev.tether.processor.handler;

import static dev.tether.processor.testing.OrderEvents.orderUpserted;
import static dev.tether.processor.testing.OrderEvents.paymentCaptured;
import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse.BatchItemFailure;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.tests.annotations.Event;
import dev.tether.lambda.InvocationContext;
import dev.tether.lambda.config.TetherConfig;
import dev.tether.testing.FaultProxy;
import dev.tether.testing.Sql;
import dev.tether.testing.SqsEvents;
import dev.tether.testing.SqsEvents.Message;
import dev.tether.testing.TestDatabase;
import dev.tether.testing.TestDatabase.Database;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;

/** The SQS order-events handler against a real MySQL-compatible server. */
class OrderEventsHandlerIT {

    private static Database database;
    private static OrderEventsHandler handler;

    @BeforeAll
    static void startHandler() {
        database = TestDatabase.fresh("tether_it_orders");
        // The tests below count a batch's own statements: no connection-usage check between them.
        handler = new OrderEventsHandler(database.config().withShareConnections(false));
    }

    @AfterAll
    static void closeHandler() {
        handler.close();
    }

    @BeforeEach
    void emptyTables() {
        sql(
                "DELETE FROM order_lines",
                "DELETE FROM orders",
                "DELETE FROM customer_balances",
                "DELETE FROM idempotency_records");
    }

    @ParameterizedTest
    @Event(value = "sqs/mixed-batch.json", type = SQSEvent.class)
    void mixedBatchReportsExactlyTheInvalidMessagesAndCommitsTheRest(SQSEvent event) {
        SQSBatchResponse response = handler.handleRequest(event, new InvocationContext("tether-orders", 60_000));

        assertThat(failedIds(response))
                .containsExactly(
                        "9f0b2a4e-1c3d-4e5f-8a9b-0c1d2e3f4a03", // not JSON
                        "9f0b2a4e-1c3d-4e5f-8a9b-0c1d2e3f4a04", // amountCents is a string
                        "9f0b2a4e-1c3d-4e5f-8a9b-0c1d2e3f4a05", // unknown type
                        "9f0b2a4e-1c3d-4e5f-8a9b-0c1d2e3f4a06"); // totalCents is a fraction
        assertThat(rows("SELECT order_id, customer_id, status, currency, total_cents, version,"
                        + " DATE_FORMAT(occurred_at, '%Y-%m-%dT%H:%i:%s.%f') FROM orders"))
                .containsExactly("ord-1001|cus-42|PLACED|EUR|2599|1|2026-11-26T10:15:30.123456");
        assertThat(rows("SELECT order_id, line_no, sku, quantity, unit_price_cents FROM order_lines"))
                .containsExactly("ord-1001|1|SKU-1|1|2599");
        assertThat(rows("SELECT customer_id, currency, balance_cents FROM customer_balances"))
                .containsExactly("cus-42|EUR|2599");
    }

    @Test
    void olderAndEqualVersionsChangeNothingAndNewerReplacesTheOrderAndItsLines() {
        invoke(orderUpserted("ord-7", "cus-1", "PLACED", 2, "A", "B"));

        SQSBatchResponse older = invoke(orderUpserted("ord-7", "cus-1", "CANCELLED", 1, "X"));
        SQSBatchResponse equal = invoke(orderUpserted("ord-7", "cus-1", "SHIPPED", 2, "Y"));
        assertThat(older.getBatchItemFailures()).isEmpty();
        assertThat(equal.getBatchItemFailures()).isEmpty();
        assertThat(rows("SELECT status, version FROM orders")).containsExactly("PLACED|2");
        assertThat(rows("SELECT line_no, sku FROM order_lines ORDER BY line_no"))
                .containsExactly("1|A", "2|B");

        SQSBatchResponse newer = invoke(orderUpserted("ord-7", "cus-1", "PAID", 3, "C"));
        assertThat(newer.getBatchItemFailures()).isEmpty();
        assertThat(rows("SELECT status, version FROM orders")).containsExactly("PAID|3");
        assertThat(rows("SELECT line_no, sku FROM order_lines ORDER BY line_no"))
                .containsExactly("1|C");
    }

    @Test
    void ofTwoVersionsInOneBatchTheHighestWinsWhateverTheirOrder() {
        SQSBatchResponse response = invoke(
                orderUpserted("ord-a", "cus-1", "SHIPPED", 5, "A5"),
                orderUpserted("ord-a", "cus-1", "PLACED", 4, "A4"),
                orderUpserted("ord-b", "cus-2", "PLACED", 1, "B1"),
                orderUpserted("ord-b", "cus-2", "PAID", 2, "B2", "B2b"));

        assertThat(response.getBatchItemFailures()).isEmpty();
        assertThat(rows("SELECT order_id, status, version FROM orders ORDER BY order_id"))
                .containsExactly("ord-a|SHIPPED|5", "ord-b|PAID|2");
        assertThat(rows("SELECT order_id, line_no, sku FROM order_lines ORDER BY order_id, line_no"))
                .containsExactly("ord-a|1|A5", "ord-b|1|B2", "ord-b|2|B2b");
    }

    @Test
    void aConstraintViolationInsideTheTransactionIsIsolatedToItsMessage() {
        sql("INSERT INTO customer_balances VALUES ('cus-full', 'EUR', " + (Long.MAX_VALUE - 10) + ")");
        List<Message> messages = List.of(
                Message.of(paymentCaptured("cus-a", 100, "EUR")),
                Message.of(orderUpserted("ord-1", "cus-a", "PLACED", 1, "S1")),
                Message.of(paymentCaptured("cus-full", 100, "EUR")), // BIGINT overflow: error 1690
                Message.of(paymentCaptured("cus-b", 50, "USD")),
                Message.of(orderUpserted("ord-2", "cus-b", "PLACED", 1, "S2")));

        SQSBatchResponse response =
                handler.handleRequest(SqsEvents.event(messages), new InvocationContext("tether-orders", 60_000));

        assertThat(failedIds(response)).containsExactly(messages.get(2).messageId());
        assertThat(rows("SELECT customer_id, currency, balance_cents FROM customer_balances ORDER BY customer_id"))
                .containsExactly("cus-a|EUR|100", "cus-b|USD|50", "cus-full|EUR|" + (Long.MAX_VALUE - 10));
        assertThat(rows("SELECT order_id FROM orders ORDER BY order_id")).containsExactly("ord-1", "ord-2");
        assertThat(rows("SELECT trx_id FROM information_schema.innodb_trx WHERE trx_mysql_thread_id = "
                        + handler.link().connectionId()))
                .as("the failed transactions were rolled back")
                .isEmpty();
    }

    @Test
    void aBatchOfTenThousandCommitsWithTheSameStatementsAsABatchOfTen() {
        invoke(paymentCaptured("cus-warm-up", 1, "EUR"));
        List<String> small = statementsFor(batch(10, "small"));
        List<String> large = statementsFor(batch(10_000, "large"));

        assertThat(large).hasSameSizeAs(small);
        // Idempotency read and record, orders read and upsert, lines delete and insert, balances upsert, COMMIT.
        assertThat(small).hasSize(8).last().isEqualTo("COMMIT");
        assertThat(small).noneMatch(statement -> statement.regionMatches(true, 0, "SET", 0, 3));
        assertThat(rows("SELECT COUNT(*) FROM orders")).containsExactly(String.valueOf(5 + 5_000));
        assertThat(rows("SELECT COUNT(*) FROM order_lines")).containsExactly(String.valueOf(2 * (5 + 5_000)));
        assertThat(rows("SELECT SUM(balance_cents) FROM customer_balances WHERE customer_id <> 'cus-warm-up'"))
                .containsExactly(String.valueOf(7L * (5 + 5_000)));
    }

    @Test
    void oneConnectionServesEveryInvocationOfAHandler() {
        sql(
                "CREATE TABLE IF NOT EXISTS audit_connection (connection_id BIGINT NOT NULL)",
                "DELETE FROM audit_connection",
                "CREATE TRIGGER IF NOT EXISTS audit_balance BEFORE INSERT ON customer_balances FOR EACH ROW"
                        + " INSERT INTO audit_connection VALUES (CONNECTION_ID())");
        try (FaultProxy proxy = FaultProxy.inFrontOf(database.url());
                OrderEventsHandler fresh = new OrderEventsHandler(TetherConfig.of(
                        proxy.route(database.url()), database.user(), database.password(), database.dialect()))) {
            for (int i = 0; i < 25; i++) {
                SQSBatchResponse response = invoke(fresh, paymentCaptured("cus-reuse", 1, "EUR"));
                assertThat(response.getBatchItemFailures()).isEmpty();
            }

            assertThat(rows("SELECT COUNT(*), COUNT(DISTINCT connection_id) FROM audit_connection"))
                    .containsExactly("25|1");
            String connectionId =
                    rows("SELECT MIN(connection_id) FROM audit_connection").get(0);
            assertThat(rows("SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE ID = " + connectionId))
                    .as("the connection that served every batch is still open")
                    .containsExactly("1");
            // Every connection the handler opened went through the proxy, whatever else connects to the server.
            assertThat(proxy.connectionsAccepted())
                    .as("connections the handler opened")
                    .isEqualTo(1);
            assertThat(fresh.link().connectionsOpened()).isEqualTo(1);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } finally {
            sql("DROP TRIGGER IF EXISTS audit_balance");
        }
    }

    private List<String> statementsFor(List<Message> messages) {
        SQSEvent event = SqsEvents.event(messages);
        List<SQSBatchResponse> responses = new ArrayList<>();
        List<String> statements = Sql.statementsOn(
                database,
                handler.link().connectionId(),
                () -> responses.add(handler.handleRequest(event, new InvocationContext("tether-orders", 60_000))));
        assertThat(responses.get(0).getBatchItemFailures()).isEmpty();
        return statements;
    }

    /** Half orders with two lines each, half payments of 7 cents: the same mix at every size. */
    private static List<Message> batch(int size, String prefix) {
        List<Message> messages = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            messages.add(Message.of(
                    i % 2 == 0
                            ? orderUpserted(prefix + "-ord-" + i, "cus-" + i, "PLACED", 1, "SKU-A", "SKU-B")
                            : paymentCaptured(prefix + "-cus-" + i, 7, "EUR")));
        }
        return messages;
    }

    private static SQSBatchResponse invoke(String... bodies) {
        return invoke(handler, bodies);
    }

    private static SQSBatchResponse invoke(OrderEventsHandler target, String... bodies) {
        List<Message> messages = new ArrayList<>();
        for (String body : bodies) {
            messages.add(Message.of(body));
        }
        return target.handleRequest(SqsEvents.event(messages), new InvocationContext("tether-orders", 60_000));
    }

    private static List<String> failedIds(SQSBatchResponse response) {
        return response.getBatchItemFailures().stream()
                .map(BatchItemFailure::getItemIdentifier)
                .toList();
    }

    private static void sql(String... statements) {
        Sql.execute(database, statements);
    }

    private static List<String> rows(String query) {
        return Sql.rows(database, query);
    }
}
