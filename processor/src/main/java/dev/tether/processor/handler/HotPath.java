package dev.tether.processor.handler;

import static software.amazon.lambda.powertools.logging.argument.StructuredArguments.entry;

import com.amazonaws.services.lambda.runtime.events.SQSEvent.SQSMessage;
import dev.tether.processor.config.TetherConfig;
import dev.tether.processor.idempotency.IdempotencyKeys;
import dev.tether.processor.idempotency.TransactionalIdempotency;
import dev.tether.processor.order.OrderEvent;
import dev.tether.processor.order.OrderEventParser;
import dev.tether.processor.stream.ReplicaTable;
import dev.tether.processor.stream.StreamBatchProcessor;
import dev.tether.processor.write.OrderEventWriter;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.jooq.tools.jdbc.MockConnection;
import org.jooq.tools.jdbc.MockResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the hot path once at init without touching the database: JSON parsing, key derivation, and the rendering and
 * binding of every statement, executed against jOOQ's in-memory {@link MockConnection}. The classes load and the
 * code is compiled while Lambda initialises the container; under SnapStart that work lands in the snapshot, so no
 * restored container pays it on its first batch.
 */
final class HotPath {

    private static final Logger LOG = LoggerFactory.getLogger(HotPath.class);

    private static final String SAMPLE_ORDER = "{\"eventId\":\"00000000-0000-4000-8000-000000000000\","
            + "\"type\":\"OrderUpserted\",\"occurredAt\":\"2026-01-01T00:00:00Z\",\"data\":{\"orderId\":\"prime\","
            + "\"customerId\":\"prime\",\"status\":\"PLACED\",\"currency\":\"EUR\",\"totalCents\":1,\"version\":1,"
            + "\"lines\":[{\"sku\":\"prime\",\"quantity\":1,\"unitPriceCents\":1}]}}";

    private static final String SAMPLE_PAYMENT = "{\"eventId\":\"00000000-0000-4000-8000-000000000001\","
            + "\"type\":\"PaymentCaptured\",\"occurredAt\":\"2026-01-01T00:00:00Z\",\"data\":{\"paymentId\":\"prime\","
            + "\"customerId\":\"prime\",\"amountCents\":1,\"currency\":\"EUR\"}}";

    private HotPath() {}

    static void primeOrders(TetherConfig config, OrderEventParser parser, IdempotencyKeys keys, OrderEventWriter writer) {
        long started = System.nanoTime();
        try {
            DSLContext dry = dry(config.dialect());
            List<OrderEvent> events = List.of(parser.parse(SAMPLE_ORDER), parser.parse(SAMPLE_PAYMENT));
            if (keys != null) {
                SQSMessage message = new SQSMessage();
                message.setMessageId("prime");
                message.setBody(SAMPLE_ORDER);
                message.setAttributes(Map.of());
                IdempotencyKeys.Key key = keys.of(message);
                TransactionalIdempotency idempotency =
                        new TransactionalIdempotency(config.idempotency().expiry());
                idempotency.verdicts(dry, List.of(key), Instant.now());
                idempotency.record(dry, List.of(key), Instant.now());
            }
            writer.write(dry, events);
            LOG.info("hot path primed", entry("handler", "orders"), entry("durationMs", (System.nanoTime() - started) / 1e6));
        } catch (Exception e) {
            // Priming is an optimisation: a failure here must never stop the container.
            LOG.warn("priming the hot path failed", entry("reason", String.valueOf(e)));
        }
    }

    static void primeStream(TetherConfig config, ReplicaTable table) {
        long started = System.nanoTime();
        try {
            StreamBatchProcessor.prime(table, dry(config.dialect()));
            LOG.info("hot path primed", entry("handler", "stream"), entry("durationMs", (System.nanoTime() - started) / 1e6));
        } catch (Exception e) {
            LOG.warn("priming the hot path failed", entry("reason", String.valueOf(e)));
        }
    }

    /** A jOOQ context whose "database" answers every statement with no rows, in memory. */
    private static DSLContext dry(SQLDialect configured) {
        // Unset, the dialect is chosen from the server at the first connection; prime the MySQL rendering.
        SQLDialect dialect = configured == SQLDialect.DEFAULT ? SQLDialect.MYSQL : configured;
        DSLContext empty = DSL.using(dialect);
        return DSL.using(new MockConnection(ctx -> new MockResult[] {new MockResult(0, empty.newResult())}), dialect);
    }
}
