package dev.tether.processor.handler;

import static software.amazon.lambda.powertools.logging.argument.StructuredArguments.entry;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.tether.processor.batch.OrderBatchProcessor;
import dev.tether.processor.batch.OrderBatchProcessor.BatchResult;
import dev.tether.processor.batch.OrderExecution;
import dev.tether.processor.batch.PowertoolsExecution;
import dev.tether.processor.batch.TransactionalExecution;
import dev.tether.processor.config.IdempotencySettings;
import dev.tether.processor.config.IdempotencySettings.Mode;
import dev.tether.processor.config.TetherConfig;
import dev.tether.processor.idempotency.ExpiredRecordSweeper;
import dev.tether.processor.idempotency.IdempotencyKeys;
import dev.tether.processor.idempotency.IdempotentOrderApplier;
import dev.tether.processor.idempotency.PowertoolsIdempotency;
import dev.tether.processor.idempotency.TransactionalIdempotency;
import dev.tether.processor.link.DatabaseLink;
import dev.tether.processor.observe.BatchMetrics;
import dev.tether.processor.order.OrderEventParser;
import dev.tether.processor.write.OrderEventWriter;
import java.time.Clock;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.lambda.powertools.idempotency.Idempotency;
import software.amazon.lambda.powertools.logging.PowertoolsLogging;

/**
 * Lambda entry point for SQS order events: lands {@code OrderUpserted} and {@code PaymentCaptured} events in MySQL,
 * each effect exactly once, and reports partial batch failures. Configure the event source mapping with
 * {@code FunctionResponseTypes: [ReportBatchItemFailures]}, or Lambda ignores the reported failures.
 *
 * <p>Everything expensive is built once, in the constructor, when Lambda creates the container; every invocation
 * of that container reuses the same database connection.
 */
public final class OrderEventsHandler implements RequestHandler<SQSEvent, SQSBatchResponse>, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(OrderEventsHandler.class);

    private final DatabaseLink link;
    private final OrderBatchProcessor processor;
    private final ExpiredRecordSweeper sweeper;
    private final Clock clock = Clock.systemUTC();
    private final boolean powertoolsFlow;
    private final BatchMetrics metrics;

    /** The constructor Lambda calls: reads {@code TETHER_*} from the environment once. */
    public OrderEventsHandler() {
        this(TetherConfig.fromEnvironment(System.getenv()));
    }

    /** A handler on its own link to the database {@code config} names. */
    public OrderEventsHandler(TetherConfig config) {
        this.link = new DatabaseLink(config);
        IdempotencySettings idempotency = config.idempotency();
        OrderEventWriter writer = new OrderEventWriter();
        OrderExecution execution = switch (idempotency.mode()) {
            case NONE -> new TransactionalExecution(link, writer, null, clock);
            case TRANSACTIONAL -> new TransactionalExecution(
                    link, writer, new TransactionalIdempotency(idempotency.expiry()), clock);
            case POWERTOOLS_MYSQL, POWERTOOLS_DYNAMODB -> {
                PowertoolsIdempotency.configure(idempotency, link);
                yield new PowertoolsExecution(new IdempotentOrderApplier(link, writer));
            }
        };
        this.powertoolsFlow = idempotency.mode() == Mode.POWERTOOLS_MYSQL || idempotency.mode() == Mode.POWERTOOLS_DYNAMODB;
        this.sweeper = idempotency.mode() == Mode.TRANSACTIONAL || idempotency.mode() == Mode.POWERTOOLS_MYSQL
                ? new ExpiredRecordSweeper(link)
                : null;
        IdempotencyKeys keys = idempotency.mode() == Mode.NONE ? null : new IdempotencyKeys(idempotency);
        OrderEventParser parser = new OrderEventParser(!idempotency.fallbackToMessageId());
        this.processor = new OrderBatchProcessor(parser, keys, execution, config.fifoFailure());
        this.metrics = new BatchMetrics(config.metricsNamespace(), "orders", link);
        if (config.prime()) {
            HotPath.primeOrders(config, parser, keys, writer);
        }
    }

    @Override
    public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
        List<SQSEvent.SQSMessage> records = event == null || event.getRecords() == null ? List.of() : event.getRecords();
        if (context == null) {
            return handle(records, null);
        }
        return PowertoolsLogging.withLogging(context, () -> handle(records, context));
    }

    private SQSBatchResponse handle(List<SQSEvent.SQSMessage> records, Context context) {
        return link.invocation(Deadlines.of(context), () -> handleWithinDeadline(records, context));
    }

    private SQSBatchResponse handleWithinDeadline(List<SQSEvent.SQSMessage> records, Context context) {
        long started = System.nanoTime();
        if (powertoolsFlow) {
            Idempotency.registerLambdaContext(context);
        }
        BatchResult result = processor.process(records);
        double durationMs = (System.nanoTime() - started) / 1e6;
        LOG.info(
                "batch processed",
                entry("records", records.size()),
                entry("committed", result.committed()),
                entry("duplicates", result.duplicates()),
                entry("failed", result.failed()),
                entry("transactions", result.transactions()),
                entry("connectionNew", link.lastConnectionWasNew()),
                entry("connectionAgeMs", link.connectionAgeMillis()),
                entry("reconnects", link.reconnects()),
                entry("retries", link.retries()),
                entry("durationMs", durationMs));
        metrics.record(result.committed(), result.failed(), result.duplicates(), durationMs);
        if (result.failed() == 0) {
            // Housekeeping only after a clean batch, within the same deadline: never spend a struggling
            // invocation's time on it.
            sweepExpiredRecords();
        }
        return result.response();
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
    public DatabaseLink link() {
        return link;
    }

    /** Closes the link; Lambda never calls it, tests and local runners do. */
    @Override
    public void close() {
        link.close();
    }
}
