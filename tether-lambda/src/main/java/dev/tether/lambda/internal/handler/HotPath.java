package dev.tether.lambda.internal.handler;

import static software.amazon.lambda.powertools.logging.argument.StructuredArguments.entry;

import com.amazonaws.services.lambda.runtime.events.SQSEvent.SQSMessage;
import dev.tether.lambda.internal.batch.Routed;
import dev.tether.lambda.internal.batch.Routes;
import dev.tether.lambda.internal.batch.SqsBatchProcessor;
import dev.tether.lambda.internal.idempotency.TransactionalIdempotency;
import dev.tether.lambda.internal.stream.ReplicaTable;
import dev.tether.lambda.internal.stream.StreamBatchProcessor;
import java.time.Instant;
import java.util.List;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.jooq.tools.jdbc.MockConnection;
import org.jooq.tools.jdbc.MockResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the hot path once at init without touching the database: envelope, reading, key derivation, and the
 * rendering and binding of every statement, executed against jOOQ's in-memory {@link MockConnection}. The classes
 * load and the code is compiled while Lambda initialises the container; under SnapStart that work lands in the
 * snapshot, so no restored container pays it on its first batch.
 */
public final class HotPath {

    private static final Logger LOG = LoggerFactory.getLogger(HotPath.class);

    private HotPath() {}

    /** Reads, keys and writes each sample message, one route at a time; a route that fails to prime is logged. */
    public static void primeSqs(
            String handler,
            SQLDialect dialect,
            SqsBatchProcessor processor,
            Routes routes,
            TransactionalIdempotency idempotency,
            List<SQSMessage> samples) {
        long started = System.nanoTime();
        DSLContext dry = dry(dialect);
        int primed = 0;
        for (SQSMessage sample : samples) {
            try {
                Routed routed = processor.read(sample);
                if (idempotency != null && routed.key() != null) {
                    idempotency.verdicts(dry, List.of(routed.key()), Instant.now());
                    idempotency.record(dry, List.of(routed.key()), Instant.now());
                }
                routes.write(dry, List.of(routed));
                primed++;
            } catch (Exception | StackOverflowError e) {
                // Priming is an optimisation: a failure here must never stop the container.
                LOG.warn(
                        "priming a route failed",
                        entry("handler", handler),
                        entry("messageId", sample.getMessageId()),
                        entry("reason", String.valueOf(e)));
            }
        }
        LOG.info(
                "hot path primed",
                entry("handler", handler),
                entry("routes", primed),
                entry("durationMs", (System.nanoTime() - started) / 1e6));
    }

    /** Maps a sample image of each table and renders its upsert. */
    public static void primeStream(String handler, SQLDialect dialect, List<ReplicaTable> tables) {
        long started = System.nanoTime();
        for (ReplicaTable table : tables) {
            try {
                StreamBatchProcessor.prime(table, dry(dialect));
            } catch (Exception e) {
                LOG.warn("priming the hot path failed", entry("handler", handler), entry("reason", String.valueOf(e)));
            }
        }
        LOG.info(
                "hot path primed", entry("handler", handler), entry("durationMs", (System.nanoTime() - started) / 1e6));
    }

    /** A jOOQ context whose "database" answers every statement with no rows, in memory. */
    private static DSLContext dry(SQLDialect configured) {
        // Unset, the dialect is chosen from the server at the first connection; prime the MySQL rendering.
        SQLDialect dialect = configured == SQLDialect.DEFAULT ? SQLDialect.MYSQL : configured;
        DSLContext empty = DSL.using(dialect);
        return DSL.using(new MockConnection(ctx -> new MockResult[] {new MockResult(0, empty.newResult())}), dialect);
    }
}
