package dev.tether.processor.write;

import static dev.tether.db.Tables.CUSTOMER_BALANCES;
import static dev.tether.db.Tables.ORDERS;
import static dev.tether.db.Tables.ORDER_LINES;
import static org.jooq.impl.DSL.excluded;
import static org.jooq.impl.DSL.when;

import dev.tether.lambda.write.RepeatedRows;
import dev.tether.lambda.write.StatementBytes;
import dev.tether.processor.order.OrderEvent;
import dev.tether.processor.order.OrderEvent.OrderLine;
import dev.tether.processor.order.OrderEvent.OrderUpserted;
import dev.tether.processor.order.OrderEvent.PaymentCaptured;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.impl.DSL;

/**
 * Applies order events with multi-row statements: however many events a group holds, it costs one locking read,
 * one upsert and one replace of lines for the orders, and one upsert for the balances (more only when a statement
 * would outgrow the transaction's byte budget). Statements are rendered by jOOQ once per container
 * ({@link RepeatedRows}).
 *
 * <ul>
 *   <li>{@code OrderUpserted} applies only when its {@code version} is greater than the stored one; of several for
 *       one order in a group, the highest version wins. A winner replaces the order's lines.
 *   <li>{@code PaymentCaptured} adds {@code amountCents} to the customer's balance in that currency, created at 0.
 * </ul>
 *
 * <p>Rows are written in key order, so two containers writing overlapping batches take their locks in the same
 * order.
 */
public final class OrderEventWriter {

    private static final RepeatedRows ORDERS_LOCK = new RepeatedRows(
            n -> DSL.select(ORDERS.ORDER_ID, ORDERS.VERSION)
                    .from(ORDERS)
                    .where(ORDERS.ORDER_ID.in(Collections.nCopies(n, (String) null)))
                    .forUpdate(),
            1);

    private static final RepeatedRows ORDERS_UPSERT = new RepeatedRows(
            n -> {
                var insert = RepeatedRows.insertRows(
                        ORDERS,
                        List.of(
                                ORDERS.ORDER_ID,
                                ORDERS.CUSTOMER_ID,
                                ORDERS.STATUS,
                                ORDERS.CURRENCY,
                                ORDERS.TOTAL_CENTS,
                                ORDERS.VERSION,
                                ORDERS.OCCURRED_AT),
                        n);
                // The version guard is repeated in the statement itself, so that no interleaving can let an older
                // version
                // overwrite a newer one. MySQL assigns left to right: version must be the last column assigned.
                Condition newer = excluded(ORDERS.VERSION).gt(ORDERS.VERSION);
                return insert.onDuplicateKeyUpdate()
                        .set(ORDERS.CUSTOMER_ID, guarded(newer, ORDERS.CUSTOMER_ID))
                        .set(ORDERS.STATUS, guarded(newer, ORDERS.STATUS))
                        .set(ORDERS.CURRENCY, guarded(newer, ORDERS.CURRENCY))
                        .set(ORDERS.TOTAL_CENTS, guarded(newer, ORDERS.TOTAL_CENTS))
                        .set(ORDERS.OCCURRED_AT, guarded(newer, ORDERS.OCCURRED_AT))
                        .set(ORDERS.VERSION, guarded(newer, ORDERS.VERSION));
            },
            7);

    private static final RepeatedRows LINES_DELETE = new RepeatedRows(
            n -> DSL.deleteFrom(ORDER_LINES).where(ORDER_LINES.ORDER_ID.in(Collections.nCopies(n, (String) null))), 1);

    private static final RepeatedRows LINES_INSERT = new RepeatedRows(
            n -> {
                return RepeatedRows.insertRows(
                        ORDER_LINES,
                        List.of(
                                ORDER_LINES.ORDER_ID,
                                ORDER_LINES.LINE_NO,
                                ORDER_LINES.SKU,
                                ORDER_LINES.QUANTITY,
                                ORDER_LINES.UNIT_PRICE_CENTS),
                        n);
            },
            5);

    private static final RepeatedRows BALANCES_UPSERT = new RepeatedRows(
            n -> {
                var insert = RepeatedRows.insertRows(
                        CUSTOMER_BALANCES,
                        List.of(
                                CUSTOMER_BALANCES.CUSTOMER_ID,
                                CUSTOMER_BALANCES.CURRENCY,
                                CUSTOMER_BALANCES.BALANCE_CENTS),
                        n);
                return insert.onDuplicateKeyUpdate()
                        .set(
                                CUSTOMER_BALANCES.BALANCE_CENTS,
                                CUSTOMER_BALANCES.BALANCE_CENTS.plus(excluded(CUSTOMER_BALANCES.BALANCE_CENTS)));
            },
            3);

    /** Applies {@code events} through {@code tx}, which the caller commits. */
    public void write(DSLContext tx, List<OrderEvent> events) {
        Map<String, OrderUpserted> latestOrders = new TreeMap<>();
        List<PaymentCaptured> payments = new ArrayList<>();
        for (OrderEvent event : events) {
            if (event instanceof OrderUpserted order) {
                latestOrders.merge(order.orderId(), order, (a, b) -> b.version() > a.version() ? b : a);
            } else if (event instanceof PaymentCaptured payment) {
                payments.add(payment);
            }
        }
        if (!latestOrders.isEmpty()) {
            writeLatestOrders(tx, List.copyOf(latestOrders.values()));
        }
        if (!payments.isEmpty()) {
            writeBalances(tx, payments);
        }
    }

    /** Applies {@code orders} through {@code tx}: of several for one order, the highest version wins. */
    public void writeOrders(DSLContext tx, List<OrderUpserted> orders) {
        Map<String, OrderUpserted> latest = new TreeMap<>();
        for (OrderUpserted order : orders) {
            latest.merge(order.orderId(), order, (a, b) -> b.version() > a.version() ? b : a);
        }
        writeLatestOrders(tx, List.copyOf(latest.values()));
    }

    private void writeLatestOrders(DSLContext tx, List<OrderUpserted> orders) {
        // Lock the stored rows (and, under REPEATABLE READ, the gaps of absent ones) and learn their versions, so
        // that only the winners' lines are replaced.
        Map<String, Long> storedVersions = new HashMap<>();
        ORDERS_LOCK.query(
                tx,
                orders,
                (statement, at, o) -> statement.setString(at, o.orderId()),
                o -> StatementBytes.text(o.orderId()),
                row -> storedVersions.put(row.getString(1), row.getLong(2)));
        List<OrderUpserted> winners = orders.stream()
                .filter(o -> {
                    Long stored = storedVersions.get(o.orderId());
                    return stored == null || o.version() > stored;
                })
                .toList();
        if (winners.isEmpty()) {
            return;
        }
        ORDERS_UPSERT.execute(
                tx,
                winners,
                (statement, at, o) -> {
                    statement.setString(at, o.orderId());
                    statement.setString(at + 1, o.customerId());
                    statement.setString(at + 2, o.status().name());
                    statement.setString(at + 3, o.currency());
                    statement.setLong(at + 4, o.totalCents());
                    statement.setLong(at + 5, o.version());
                    statement.setObject(at + 6, LocalDateTime.ofInstant(o.occurredAt(), ZoneOffset.UTC));
                },
                OrderEventWriter::orderBytes);
        LINES_DELETE.execute(
                tx,
                winners,
                (statement, at, o) -> statement.setString(at, o.orderId()),
                o -> StatementBytes.text(o.orderId()));
        List<LineRow> lines = new ArrayList<>();
        for (OrderUpserted order : winners) {
            List<OrderLine> orderLines = order.lines();
            for (int i = 0; i < orderLines.size(); i++) {
                lines.add(new LineRow(order.orderId(), i + 1, orderLines.get(i)));
            }
        }
        LINES_INSERT.execute(
                tx,
                lines,
                (statement, at, line) -> {
                    statement.setString(at, line.orderId());
                    statement.setInt(at + 1, line.lineNo());
                    statement.setString(at + 2, line.line().sku());
                    statement.setInt(at + 3, line.line().quantity());
                    statement.setLong(at + 4, line.line().unitPriceCents());
                },
                LineRow::bytes);
    }

    /** One row of {@code order_lines}; lines are numbered from 1 in the order the event lists them. */
    private record LineRow(String orderId, int lineNo, OrderLine line) {
        int bytes() {
            return StatementBytes.text(orderId)
                    + StatementBytes.integer(lineNo)
                    + StatementBytes.text(line.sku())
                    + StatementBytes.integer(line.quantity())
                    + StatementBytes.integer(line.unitPriceCents());
        }
    }

    private static <T> Field<T> guarded(Condition newer, Field<T> column) {
        return when(newer, excluded(column)).otherwise(column);
    }

    /** Adds {@code payments} to their balances through {@code tx}, in key order. */
    public void writeBalances(DSLContext tx, List<PaymentCaptured> payments) {
        List<PaymentCaptured> sorted = new ArrayList<>(payments);
        sorted.sort(Comparator.comparing(PaymentCaptured::customerId).thenComparing(PaymentCaptured::currency));
        BALANCES_UPSERT.execute(
                tx,
                sorted,
                (statement, at, p) -> {
                    statement.setString(at, p.customerId());
                    statement.setString(at + 1, p.currency());
                    statement.setLong(at + 2, p.amountCents());
                },
                p -> StatementBytes.text(p.customerId())
                        + StatementBytes.text(p.currency())
                        + StatementBytes.integer(p.amountCents()));
    }

    private static int orderBytes(OrderUpserted order) {
        return StatementBytes.text(order.orderId())
                + StatementBytes.text(order.customerId())
                + StatementBytes.text(order.status().name())
                + StatementBytes.text(order.currency())
                + StatementBytes.integer(order.totalCents())
                + StatementBytes.integer(order.version())
                + StatementBytes.DATE_TIME;
    }
}
