package dev.tether.lambda.internal.handler;

import static software.amazon.lambda.powertools.logging.argument.StructuredArguments.entry;

import com.amazonaws.services.lambda.runtime.events.SQSEvent.SQSMessage;
import dev.tether.lambda.InvalidMessageException;
import dev.tether.lambda.config.ConfigException;
import dev.tether.lambda.config.TetherConfig;
import dev.tether.lambda.internal.batch.MessageReading;
import dev.tether.lambda.internal.batch.Routed;
import dev.tether.lambda.internal.batch.Routes;
import dev.tether.lambda.internal.idempotency.TransactionalIdempotency;
import dev.tether.lambda.internal.stream.ReplicaTable;
import dev.tether.lambda.internal.stream.StreamBatchProcessor;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.exception.NoDataFoundException;
import org.jooq.exception.TooManyRowsException;
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

    /** A route's sample message: its own {@code .sample(body)}, or one made up for its record. */
    public record Sample(String route, SQSMessage message, boolean own) {}

    /**
     * Reads, validates, keys and writes each route's sample on its own, against a database that executes nothing.
     * A route whose sample fails stops the start: its messages would fail the same way. Every failing route is
     * named, with what to change.
     */
    public static void primeSqs(
            String handler,
            SQLDialect dialect,
            MessageReading reading,
            Routes routes,
            TransactionalIdempotency idempotency,
            List<Sample> samples) {
        long started = System.nanoTime();
        DSLContext dry = dry(dialect);
        List<String> failures = new ArrayList<>();
        int primed = 0;
        for (Sample sample : samples) {
            Routed routed;
            try {
                routed = reading.read(sample.message());
            } catch (InvalidMessageException e) {
                failures.add("route " + sample.route() + ": its " + (sample.own() ? "sample" : "made-up sample")
                        + " is refused (" + e.getMessage() + "): "
                        + (sample.own()
                                ? "fix the body given to .sample(…)"
                                : "give the route a valid body with .sample(…)")
                        + ", or turn priming off (" + TetherConfig.PRIME + "=false)");
                continue;
            } catch (RuntimeException | StackOverflowError e) {
                failures.add("route " + sample.route() + ": reading its sample failed (" + e + ")");
                continue;
            }
            try {
                if (idempotency != null && routed.key() != null) {
                    idempotency.verdicts(dry, List.of(routed.key()), Instant.now());
                    idempotency.record(
                            dry,
                            List.of(routed.key(), routed.key()),
                            List.of(TransactionalIdempotency.Verdict.NEW, TransactionalIdempotency.Verdict.REPLACE),
                            Instant.now());
                }
                routes.write(dry, List.of(routed));
                primed++;
            } catch (NoDataFoundException | TooManyRowsException e) {
                // The writer reads rows back, and the dry database has none: it rendered, which is what priming checks.
                LOG.warn(
                        "priming a route stopped at a read",
                        entry("handler", handler),
                        entry("route", sample.route()),
                        entry("reason", String.valueOf(e)));
            } catch (RuntimeException | StackOverflowError e) {
                failures.add("route " + sample.route() + ": its writer fails on a valid event (" + e.getMessage()
                        + "): every batch would fail the same way");
            }
        }
        if (!failures.isEmpty()) {
            throw new ConfigException("handler " + handler + " cannot start: " + String.join("; ", failures));
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
