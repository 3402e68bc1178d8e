package dev.tether.bench;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse.BatchItemFailure;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.events.SQSEvent.SQSMessage;
import dev.tether.lambda.InvalidMessageException;
import dev.tether.local.Container;
import dev.tether.processor.order.OrderEvent;
import dev.tether.processor.order.OrderEvent.OrderLine;
import dev.tether.processor.order.OrderEvent.OrderUpserted;
import dev.tether.processor.order.OrderEvent.PaymentCaptured;
import dev.tether.processor.order.OrderEventParser;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The handler a team writes without Tether, for comparison: a connection per invocation, one auto-committed statement
 * per record, no idempotency (a duplicate applies twice), and a failure to connect thrown out of the handler (Lambda
 * retries the whole batch). It validates with Tether's parser, so invalid bodies are reported the same way.
 */
final class NaiveContainer implements Container {

    private static final String PAYMENT = "INSERT INTO customer_balances (customer_id, currency, balance_cents)"
            + " VALUES (?, ?, ?) ON DUPLICATE KEY UPDATE balance_cents = balance_cents + VALUES(balance_cents)";
    private static final String ORDER = "INSERT INTO orders (order_id, customer_id, status, currency, total_cents,"
            + " version, occurred_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON DUPLICATE KEY UPDATE"
            + " customer_id = IF(VALUES(version) > version, VALUES(customer_id), customer_id),"
            + " status = IF(VALUES(version) > version, VALUES(status), status),"
            + " currency = IF(VALUES(version) > version, VALUES(currency), currency),"
            + " total_cents = IF(VALUES(version) > version, VALUES(total_cents), total_cents),"
            + " occurred_at = IF(VALUES(version) > version, VALUES(occurred_at), occurred_at),"
            + " version = IF(VALUES(version) > version, VALUES(version), version)";
    private static final String DELETE_LINES = "DELETE FROM order_lines WHERE order_id = ?";
    private static final String LINE =
            "INSERT INTO order_lines (order_id, line_no, sku, quantity, unit_price_cents)" + " VALUES (?, ?, ?, ?, ?)";

    private final String url;
    private final String user;
    private final String password;
    private final OrderEventParser parser = new OrderEventParser();
    private final Map<String, Long> connectErrors = new TreeMap<>();
    private long connectionsOpened;

    NaiveContainer(String url, String user, String password) {
        this.url = url;
        this.user = user;
        this.password = password;
    }

    @Override
    public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
        List<BatchItemFailure> failures = new ArrayList<>();
        Connection connection;
        try {
            connection = DriverManager.getConnection(url, user, password);
            connectionsOpened++;
        } catch (SQLException e) {
            connectErrors.merge(String.valueOf(e.getErrorCode()), 1L, Long::sum);
            throw new IllegalStateException("could not connect", e);
        }
        try (connection) {
            for (SQSMessage message : event.getRecords()) {
                try {
                    apply(connection, parser.parse(message.getBody()));
                } catch (InvalidMessageException | SQLException e) {
                    failures.add(new BatchItemFailure(message.getMessageId()));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not close the connection", e);
        }
        return new SQSBatchResponse(failures);
    }

    private static void apply(Connection connection, OrderEvent event) throws SQLException {
        if (event instanceof PaymentCaptured payment) {
            try (PreparedStatement statement = connection.prepareStatement(PAYMENT)) {
                statement.setString(1, payment.customerId());
                statement.setString(2, payment.currency());
                statement.setLong(3, payment.amountCents());
                statement.executeUpdate();
            }
        } else if (event instanceof OrderUpserted order) {
            int changed;
            try (PreparedStatement statement = connection.prepareStatement(ORDER)) {
                statement.setString(1, order.orderId());
                statement.setString(2, order.customerId());
                statement.setString(3, order.status().name());
                statement.setString(4, order.currency());
                statement.setLong(5, order.totalCents());
                statement.setLong(6, order.version());
                statement.setTimestamp(7, Timestamp.from(order.occurredAt()));
                changed = statement.executeUpdate();
            }
            if (changed > 0) {
                try (PreparedStatement statement = connection.prepareStatement(DELETE_LINES)) {
                    statement.setString(1, order.orderId());
                    statement.executeUpdate();
                }
                List<OrderLine> lines = order.lines();
                for (int i = 0; i < lines.size(); i++) {
                    try (PreparedStatement statement = connection.prepareStatement(LINE)) {
                        statement.setString(1, order.orderId());
                        statement.setInt(2, i + 1);
                        statement.setString(3, lines.get(i).sku());
                        statement.setInt(4, lines.get(i).quantity());
                        statement.setLong(5, lines.get(i).unitPriceCents());
                        statement.executeUpdate();
                    }
                }
            }
        }
    }

    @Override
    public long connectionsOpened() {
        return connectionsOpened;
    }

    @Override
    public Map<String, Long> connectErrors() {
        return Map.copyOf(connectErrors);
    }

    @Override
    public void close() {}
}
