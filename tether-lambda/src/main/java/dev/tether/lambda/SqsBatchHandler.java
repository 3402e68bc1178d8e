package dev.tether.lambda;

import static software.amazon.lambda.powertools.logging.argument.StructuredArguments.entry;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.events.SQSEvent.SQSMessage;
import dev.tether.lambda.config.ConfigException;
import dev.tether.lambda.config.IdempotencySettings;
import dev.tether.lambda.config.IdempotencySettings.Mode;
import dev.tether.lambda.config.TetherConfig;
import dev.tether.lambda.internal.batch.Execution;
import dev.tether.lambda.internal.batch.MessageReading;
import dev.tether.lambda.internal.batch.PowertoolsExecution;
import dev.tether.lambda.internal.batch.Route;
import dev.tether.lambda.internal.batch.Routes;
import dev.tether.lambda.internal.batch.SqsBatchProcessor;
import dev.tether.lambda.internal.batch.SqsBatchProcessor.BatchResult;
import dev.tether.lambda.internal.batch.TransactionalExecution;
import dev.tether.lambda.internal.handler.Deadlines;
import dev.tether.lambda.internal.handler.HotPath;
import dev.tether.lambda.internal.idempotency.ExpiredRecordSweeper;
import dev.tether.lambda.internal.idempotency.IdempotencyKeys;
import dev.tether.lambda.internal.idempotency.IdempotentApplier;
import dev.tether.lambda.internal.idempotency.PowertoolsIdempotency;
import dev.tether.lambda.internal.idempotency.TransactionalIdempotency;
import dev.tether.lambda.internal.observe.BatchMetrics;
import dev.tether.lambda.link.DatabaseLink;
import dev.tether.lambda.link.Migrations;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.lambda.powertools.idempotency.Idempotency;
import software.amazon.lambda.powertools.logging.PowertoolsLogging;

/**
 * A Lambda handler for an SQS event source, built once per container from {@link SqsRoute routes}: every batch runs
 * on a connection of the execution environment's pool ({@link DatabaseLink}), in one transaction (idempotency records in the
 * same transaction by default), and answers with exactly the messages that did not take effect
 * ({@link SQSBatchResponse}). Configure the event source mapping with
 * {@code FunctionResponseTypes: [ReportBatchItemFailures]}, or Lambda ignores the reported failures.
 *
 * <p>What every route gets, with no code of its own:
 * <ul>
 *   <li>a message that cannot be read, fails validation, or is of a type no route serves is reported alone; the
 *       valid ones beside it commit;
 *   <li>a batch whose write fails is split until the message at fault is alone (MySQL's deadlock is retried first);
 *       only that message is reported;
 *   <li>idempotency ({@code TETHER_IDEMPOTENCY}: {@code transactional} by default, {@code powertools-mysql},
 *       {@code powertools-dynamodb}, {@code none}): a repeat of an applied message is a success that writes nothing;
 *       the same key with another payload is reported;
 *   <li>on a FIFO queue, a failed message holds back the rest of its message group (or the batch, with
 *       {@code TETHER_FIFO_FAILURE=batch}), reported unapplied so that order survives redelivery;
 *   <li>the invocation answers before its deadline whatever the database does; a lost connection is reconnected,
 *       a connection limit waited out with backoff;
 *   <li>a log line and an EMF metrics line per batch, with per-route counts.
 * </ul>
 *
 * <p>Safe for concurrent invocations: in classic Lambda an environment runs one invocation at a time on a pool of one
 * connection; under Lambda Managed Instances the runtime calls {@link #handleRequest} on this one instance from many
 * threads at once, and each invocation has its own deadline, its own pooled connection for its transactions, and its
 * own figures in its log line and metrics. Powertools v1 keeps the Lambda context JVM-wide, so in the
 * {@code powertools-*} modes an in-progress record may take the remaining time of a concurrent invocation.
 *
 * <p>Your Lambda entry point can be a subclass that only builds it (its methods are final):
 * <pre>{@code
 * public final class ShipmentHandler extends SqsBatchHandler {
 *     public ShipmentHandler() { this(TetherConfig.fromEnvironment(System.getenv())); }
 *     public ShipmentHandler(TetherConfig config) { super(builder().config(config).route(...)); }
 * }
 * }</pre>
 * or a class of its own that holds one built with {@link #builder()} and delegates to it.
 */
public class SqsBatchHandler implements RequestHandler<SQSEvent, SQSBatchResponse>, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SqsBatchHandler.class);

    private final String name;
    private final DatabaseLink link;
    private final SqsBatchProcessor processor;
    private final ExpiredRecordSweeper sweeper;
    private final boolean powertoolsFlow;
    private final BatchMetrics metrics;
    private final Clock clock = Clock.systemUTC();

    /** The handler {@code builder} describes: for a subclass that is the Lambda entry point itself. */
    protected SqsBatchHandler(Builder builder) {
        TetherConfig config = builder.config != null ? builder.config : TetherConfig.fromEnvironment(System.getenv());
        IdempotencySettings idempotency = config.idempotency();
        Envelope envelope =
                idempotency.fallbackToMessageId() ? builder.envelope.withOptionalEventId() : builder.envelope;
        List<SqsRoute<?>> declared = checked(builder.routes, envelope);
        if (declared.stream().noneMatch(SqsRoute::binds)) {
            // Every route reads (and checks) the whole body itself: the envelope only recognises the type.
            envelope = envelope.withOwnReaders();
        }
        boolean keyed = idempotency.mode() != Mode.NONE;
        List<Route> routes = new ArrayList<>(declared.size());
        Map<String, Route> byType = new LinkedHashMap<>();
        for (SqsRoute<?> route : declared) {
            Route compiled = compile(
                    route,
                    keyed ? new IdempotencyKeys(idempotency, keyExpression(route, envelope, idempotency)) : null);
            routes.add(compiled);
            byType.put(route.type(), compiled);
        }
        this.name = builder.name;
        Routes writers = new Routes(routes);
        MessageReading reading = new MessageReading(envelope, byType, envelope.singleRoute() ? routes.get(0) : null);
        if (config.prime()) {
            // Before any connection: a route that cannot work stops the start here.
            HotPath.primeSqs(
                    name,
                    config.dialect(),
                    reading,
                    writers,
                    keyed ? new TransactionalIdempotency(idempotency.expiry()) : null,
                    samples(declared, envelope));
        }
        this.link = new DatabaseLink(config, builder.migrations);
        TransactionalIdempotency transactional =
                idempotency.mode() == Mode.TRANSACTIONAL ? new TransactionalIdempotency(idempotency.expiry()) : null;
        Execution execution = switch (idempotency.mode()) {
            case NONE -> new TransactionalExecution(link, writers, null, clock);
            case TRANSACTIONAL -> new TransactionalExecution(link, writers, transactional, clock);
            case POWERTOOLS_MYSQL, POWERTOOLS_DYNAMODB -> {
                PowertoolsIdempotency.configure(idempotency, link);
                yield new PowertoolsExecution(new IdempotentApplier(link, writers));
            }
        };
        this.powertoolsFlow =
                idempotency.mode() == Mode.POWERTOOLS_MYSQL || idempotency.mode() == Mode.POWERTOOLS_DYNAMODB;
        this.sweeper = idempotency.mode() == Mode.TRANSACTIONAL || idempotency.mode() == Mode.POWERTOOLS_MYSQL
                ? new ExpiredRecordSweeper(link)
                : null;
        this.processor = new SqsBatchProcessor(reading, execution, config.fifoFailure());
        this.metrics = new BatchMetrics(config.metricsNamespace(), name, link);
    }

    /** A builder: {@code SqsBatchHandler.builder().route(…).build()}. */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link SqsBatchHandler}; every check of the routes runs in {@link #build()}. */
    public static final class Builder {
        private TetherConfig config;
        private Envelope envelope = Envelope.tether();
        private final List<SqsRoute<?>> routes = new ArrayList<>();
        private Migrations migrations = Migrations.defaults();
        private String name = "sqs";

        private Builder() {}

        /** The configuration; by default read from the {@code TETHER_*} environment variables. */
        public Builder config(TetherConfig config) {
            this.config = Objects.requireNonNull(config, "config");
            return this;
        }

        /** How messages carry their type and event; {@link Envelope#tether()} by default. */
        public Builder envelope(Envelope envelope) {
            this.envelope = Objects.requireNonNull(envelope, "envelope");
            return this;
        }

        /** Serves {@code route}'s message type. */
        public Builder route(SqsRoute<?> route) {
            routes.add(Objects.requireNonNull(route, "route"));
            return this;
        }

        /**
         * The application's migrations, applied with Tether's at init unless {@code TETHER_DB_MIGRATE=false};
         * {@link Migrations#defaults()} ({@code classpath:db/migration}) by default.
         */
        public Builder migrations(Migrations migrations) {
            this.migrations = Objects.requireNonNull(migrations, "migrations");
            return this;
        }

        /** The handler's name in logs and metrics (the {@code handler} dimension); {@code sqs} by default. */
        public Builder name(String name) {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("a handler name must not be blank");
            }
            this.name = name;
            return this;
        }

        /**
         * Checks the routes, opens the container's link (connecting and migrating, as init should) and primes every
         * route; a route that cannot work stops the start with a {@link ConfigException} that says what to fix.
         */
        public SqsBatchHandler build() {
            return new SqsBatchHandler(this);
        }
    }

    private static List<SqsRoute<?>> checked(List<SqsRoute<?>> routes, Envelope envelope) {
        if (routes.isEmpty()) {
            throw new ConfigException("no route registered: add one, e.g. .route(SqsRoute.of(\"MyEvent\","
                    + " MyEvent.class).writer((tx, events) -> …))");
        }
        Map<String, SqsRoute<?>> seen = new LinkedHashMap<>();
        for (SqsRoute<?> route : routes) {
            if (route.writer() == null) {
                throw new ConfigException("route " + route.type() + " has no writer: add .writer((tx, events) -> …)"
                        + " to SqsRoute.of(\"" + route.type() + "\", "
                        + route.eventClass().getSimpleName()
                        + ".class)");
            }
            SqsRoute<?> earlier = seen.put(route.type(), route);
            if (earlier != null) {
                throw new ConfigException("two routes serve message type " + route.type() + " (events "
                        + earlier.eventClass().getSimpleName() + " and "
                        + route.eventClass().getSimpleName()
                        + "): register one route per type");
            }
        }
        if (envelope.singleRoute() && routes.size() > 1) {
            throw new ConfigException("Envelope.singleType() serves one route, but " + routes.size() + " are"
                    + " registered " + seen.keySet() + ": register one, or use an envelope that names the type");
        }
        return List.copyOf(routes);
    }

    /** The route's own key expression; else the configured one, if set; else the envelope's. */
    private static String keyExpression(SqsRoute<?> route, Envelope envelope, IdempotencySettings settings) {
        if (route.keyExpression() != null) {
            return route.keyExpression();
        }
        if (!settings.keyExpression().equals(IdempotencySettings.DEFAULT_KEY_EXPRESSION)) {
            return settings.keyExpression();
        }
        return envelope.defaultKeyExpression();
    }

    @SuppressWarnings("unchecked")
    private static <E> Route compile(SqsRoute<E> route, IdempotencyKeys keys) {
        MessageReader<E> reader;
        try {
            reader = route.effectiveReader();
        } catch (IllegalArgumentException e) {
            throw new ConfigException("route " + route.type() + " cannot bind its data into "
                    + route.eventClass().getSimpleName() + ": " + e.getMessage());
        }
        BatchWriter<E> writer = route.writer();
        return new Route(
                route.type(),
                message -> route.read(message, reader),
                (tx, events) -> writer.write(tx, (List<E>) (List<?>) events),
                keys);
    }

    /** Each route's own sample; else, for a route that binds, one made up for its record. */
    private static List<HotPath.Sample> samples(List<SqsRoute<?>> routes, Envelope envelope) {
        List<HotPath.Sample> samples = new ArrayList<>();
        for (SqsRoute<?> route : routes) {
            if (route.sample() != null) {
                samples.add(
                        new HotPath.Sample(route.type(), envelope.sample(route.type(), route.sample(), true), true));
            } else if (route.binds()) {
                String data = Samples.of(route.eventClass());
                if (data != null) {
                    samples.add(new HotPath.Sample(route.type(), envelope.sample(route.type(), data, false), false));
                }
            }
        }
        return samples;
    }

    @Override
    public final SQSBatchResponse handleRequest(SQSEvent event, Context context) {
        List<SQSMessage> records = event == null || event.getRecords() == null ? List.of() : event.getRecords();
        if (context == null) {
            return handle(records, null);
        }
        return PowertoolsLogging.withLogging(context, () -> handle(records, context));
    }

    private SQSBatchResponse handle(List<SQSMessage> records, Context context) {
        return link.invocation(Deadlines.of(context), () -> handleWithinDeadline(records, context));
    }

    private SQSBatchResponse handleWithinDeadline(List<SQSMessage> records, Context context) {
        long started = System.nanoTime();
        if (powertoolsFlow) {
            Idempotency.registerLambdaContext(context);
        }
        BatchResult result = processor.process(records);
        double durationMs = (System.nanoTime() - started) / 1e6;
        DatabaseLink.InvocationFigures figures = link.invocationFigures();
        LOG.info(
                "batch processed",
                entry("handler", name),
                entry("records", records.size()),
                entry("committed", result.committed()),
                entry("duplicates", result.duplicates()),
                entry("failed", result.failed()),
                entry("routes", routeFigures(result.perRoute())),
                entry("transactions", result.transactions()),
                entry("connectionNew", figures.connectionNew()),
                entry("connectionAgeMs", figures.connectionAgeMillis()),
                entry("reconnects", figures.reconnects()),
                entry("retries", figures.retries()),
                entry("durationMs", durationMs));
        metrics.record(result.committed(), result.failed(), result.duplicates(), durationMs);
        result.perRoute().forEach((route, counts) -> metrics.recordRoute(route, counts[0], counts[1]));
        if (result.failed() == 0) {
            // Housekeeping only after a clean batch, within the same deadline: never spend a struggling
            // invocation's time on it.
            sweepExpiredRecords();
        }
        return result.response();
    }

    private static Map<String, Map<String, Integer>> routeFigures(Map<String, int[]> perRoute) {
        Map<String, Map<String, Integer>> figures = new LinkedHashMap<>();
        perRoute.forEach((route, counts) -> figures.put(route, Map.of("committed", counts[0], "failed", counts[1])));
        return figures;
    }

    private void sweepExpiredRecords() {
        if (sweeper == null) {
            return;
        }
        try {
            int deleted = sweeper.sweepIfDue(clock.instant());
            if (deleted > 0) {
                LOG.info("expired idempotency records deleted", entry("rows", deleted));
            }
        } catch (RuntimeException e) {
            // The batch is done and reported; a failed sweep is retried at the next interval.
            LOG.warn("sweeping expired idempotency records failed", entry("reason", e.getMessage()));
        }
    }

    /** The container's database link. */
    public final DatabaseLink link() {
        return link;
    }

    /** Closes the link; Lambda never calls it, tests and local runners do. */
    @Override
    public final void close() {
        link.close();
    }
}
