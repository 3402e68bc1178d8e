package dev.tether.lambda;

import static software.amazon.lambda.powertools.logging.argument.StructuredArguments.entry;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent.DynamodbStreamRecord;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import dev.tether.lambda.config.ConfigException;
import dev.tether.lambda.config.StreamSettings;
import dev.tether.lambda.config.TetherConfig;
import dev.tether.lambda.internal.handler.Deadlines;
import dev.tether.lambda.internal.handler.HotPath;
import dev.tether.lambda.internal.observe.BatchMetrics;
import dev.tether.lambda.internal.stream.ReplicaTable;
import dev.tether.lambda.internal.stream.StreamBatchProcessor;
import dev.tether.lambda.internal.stream.StreamBatchProcessor.Result;
import dev.tether.lambda.link.DatabaseLink;
import dev.tether.lambda.link.Migrations;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jooq.Schema;
import org.jooq.Table;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.lambda.powertools.logging.PowertoolsLogging;

/**
 * A Lambda handler for one or more DynamoDB streams, built once per container from {@link StreamRoute routes}:
 * replicates every change into MySQL on a connection of the environment's pool, one transaction per batch, each row guarded
 * by its stream sequence number so that duplicates, replays and reordering never move a row backwards, and reports
 * the checkpoint to resume from ({@link StreamsEventResponse}). Configure each event source mapping with
 * {@code FunctionResponseTypes: [ReportBatchItemFailures]}.
 *
 * <p>Records are routed by the table name in their {@code eventSourceARN}: to the route that names that DynamoDB
 * table, else to the table of the {@link Builder#schema schema} whose name is its snake_case
 * ({@code UserProfiles} → {@code user_profiles}); {@code TETHER_STREAM_ROUTES} adds or changes routes by
 * configuration. A record of a table without a route is a configuration error: it becomes the checkpoint, and
 * nothing is written from it on.
 *
 * <p>Checkpoint semantics ("Configuring partial batch response with DynamoDB Streams", AWS): at the first record
 * that cannot be applied, every record before it is committed, none after it, and the response names its sequence
 * number. Safe for concurrent invocations (Lambda Managed Instances): each has its own deadline and connection, and
 * batches of different shards commit independently; rows of one key are guarded by the sequence number whatever the
 * order in which concurrent batches commit.
 */
public class StreamReplicationHandler implements RequestHandler<DynamodbEvent, StreamsEventResponse>, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StreamReplicationHandler.class);

    private final String name;
    private final DatabaseLink link;
    private final StreamBatchProcessor processor;
    private final BatchMetrics metrics;

    /**
     * The handler {@code builder} describes: for a subclass that is the Lambda entry point itself
     * ({@code super(builder().config(config).schema(…).route(…))}).
     */
    protected StreamReplicationHandler(Builder builder) {
        TetherConfig config = builder.config != null ? builder.config : TetherConfig.fromEnvironment(System.getenv());
        List<ReplicaTable> tables = tables(builder, config.stream());
        this.name = builder.name;
        this.link = new DatabaseLink(config, builder.migrations);
        this.processor = new StreamBatchProcessor(link, tables);
        this.metrics = new BatchMetrics(config.metricsNamespace(), name, link);
        if (config.prime()) {
            HotPath.primeStream(name, config.dialect(), tables);
        }
    }

    /** A builder: {@code StreamReplicationHandler.builder().schema(…).route(…).build()}. */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link StreamReplicationHandler}; every table is checked in {@link #build()}. */
    public static final class Builder {
        private TetherConfig config;
        private Schema schema;
        private final List<StreamRoute> routes = new ArrayList<>();
        private Migrations migrations = Migrations.defaults();
        private String name = "stream";

        private Builder() {}

        /** The configuration; by default read from the {@code TETHER_*} environment variables. */
        public Builder config(TetherConfig config) {
            this.config = Objects.requireNonNull(config, "config");
            return this;
        }

        /**
         * The application's schema (jOOQ's generated {@code DefaultSchema}): where {@code TETHER_STREAM_TABLE} and
         * {@code TETHER_STREAM_ROUTES} find tables by name.
         */
        public Builder schema(Schema schema) {
            this.schema = Objects.requireNonNull(schema, "schema");
            return this;
        }

        /** Replicates {@code route}'s DynamoDB table. */
        public Builder route(StreamRoute route) {
            routes.add(Objects.requireNonNull(route, "route"));
            return this;
        }

        /** The application's migrations, applied with Tether's at init; {@link Migrations#defaults()} by default. */
        public Builder migrations(Migrations migrations) {
            this.migrations = Objects.requireNonNull(migrations, "migrations");
            return this;
        }

        /** The handler's name in logs and metrics; {@code stream} by default. */
        public Builder name(String name) {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("a handler name must not be blank");
            }
            this.name = name;
            return this;
        }

        /** Checks every route against its table, opens the link (connecting and migrating) and primes. */
        public StreamReplicationHandler build() {
            return new StreamReplicationHandler(this);
        }
    }

    /** The routes in code, with configuration applied: retargeted, added, TTL policies; each checked. */
    private static List<ReplicaTable> tables(Builder builder, StreamSettings settings) {
        List<StreamRoute> routes = new ArrayList<>(builder.routes);
        if (settings.table() != null) {
            if (routes.isEmpty()) {
                throw new ConfigException(StreamSettings.TABLE + " retargets the handler's first route, but it has"
                        + " none; use " + StreamSettings.ROUTES + "=DynamoTable=" + settings.table());
            }
            StreamRoute first = routes.get(0);
            routes.set(0, first.into(table(builder.schema, settings.table(), StreamSettings.TABLE)));
        }
        settings.routes().forEach((source, tableName) -> {
            Table<?> table = table(builder.schema, tableName, StreamSettings.ROUTES);
            int existing = indexOf(routes, source);
            if (existing >= 0) {
                routes.set(existing, routes.get(existing).into(table));
                return;
            }
            // A stage's own table name (Users-prod) for a table the code routes: the code route's mappings apply.
            int sameTable = indexOfTable(routes, tableName);
            if (sameTable >= 0) {
                routes.set(sameTable, routes.get(sameTable).source(source));
            } else {
                routes.add(StreamRoute.of(source, table));
            }
        });
        if (routes.isEmpty()) {
            throw new ConfigException(
                    "no stream route: add .route(StreamRoute.to(TABLE)) or set " + StreamSettings.ROUTES);
        }
        Map<String, ReplicaTable> bySource = new LinkedHashMap<>();
        for (int i = 0; i < routes.size(); i++) {
            StreamRoute route = routes.get(i);
            if (route.table() == null) {
                route = route.into(table(
                        builder.schema,
                        StreamRoute.snakeCase(route.source()),
                        "StreamRoute.from(\"" + route.source() + "\")"));
            }
            ReplicaTable table = ReplicaTable.resolve(
                    route,
                    i == 0 ? settings.attributeOverrides() : Map.of(),
                    settings.ttlDeletesOf(route.sourceName()));
            if (bySource.put(route.sourceName(), table) != null) {
                throw new ConfigException("two stream routes serve DynamoDB table " + route.sourceName()
                        + ": register one route per table");
            }
        }
        return List.copyOf(bySource.values());
    }

    private static int indexOfTable(List<StreamRoute> routes, String tableName) {
        for (int i = 0; i < routes.size(); i++) {
            Table<?> table = routes.get(i).table();
            String name = table != null
                    ? table.getName()
                    : StreamRoute.snakeCase(routes.get(i).source());
            if (name.equals(tableName)) {
                return i;
            }
        }
        return -1;
    }

    private static int indexOf(List<StreamRoute> routes, String source) {
        for (int i = 0; i < routes.size(); i++) {
            if (routes.get(i).sourceName().equals(source)) {
                return i;
            }
        }
        return -1;
    }

    private static Table<?> table(Schema schema, String name, String variable) {
        if (schema == null) {
            throw new ConfigException(variable + " names table '" + name + "', but the handler has no schema to find"
                    + " it in: add .schema(DefaultSchema.DEFAULT_SCHEMA) to its builder");
        }
        Table<?> table = schema.getTable(name);
        if (table == null) {
            throw new ConfigException(variable + " names '" + name + "', which is not a table of the schema; tables: "
                    + schema.getTables().stream().map(Table::getName).toList());
        }
        return table;
    }

    @Override
    public final StreamsEventResponse handleRequest(DynamodbEvent event, Context context) {
        List<DynamodbStreamRecord> records =
                event == null || event.getRecords() == null ? List.of() : event.getRecords();
        if (context == null) {
            return handle(records, null);
        }
        return PowertoolsLogging.withLogging(context, () -> handle(records, context));
    }

    private StreamsEventResponse handle(List<DynamodbStreamRecord> records, Context context) {
        return link.invocation(Deadlines.of(context), () -> handleWithinDeadline(records));
    }

    private StreamsEventResponse handleWithinDeadline(List<DynamodbStreamRecord> records) {
        long started = System.nanoTime();
        Result result = processor.process(records);
        double durationMs = (System.nanoTime() - started) / 1e6;
        DatabaseLink.InvocationFigures figures = link.invocationFigures();
        LOG.info(
                "stream batch processed",
                entry("handler", name),
                entry("records", records.size()),
                entry("applied", result.applied()),
                entry(
                        "checkpoint",
                        result.response().getBatchItemFailures().isEmpty()
                                ? null
                                : result.response()
                                        .getBatchItemFailures()
                                        .get(0)
                                        .getItemIdentifier()),
                entry("transactions", result.transactions()),
                entry("connectionNew", figures.connectionNew()),
                entry("connectionAgeMs", figures.connectionAgeMillis()),
                entry("reconnects", figures.reconnects()),
                entry("retries", figures.retries()),
                entry("durationMs", durationMs));
        int failed = result.response().getBatchItemFailures().isEmpty() ? 0 : records.size() - result.applied();
        metrics.record(result.applied(), failed, 0, durationMs);
        return result.response();
    }

    /** The container's database link. */
    public final DatabaseLink link() {
        return link;
    }

    @Override
    public final void close() {
        link.close();
    }
}
