package dev.tether.processor.handler;

import static software.amazon.lambda.powertools.logging.argument.StructuredArguments.entry;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent.DynamodbStreamRecord;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import dev.tether.processor.config.TetherConfig;
import dev.tether.processor.link.DatabaseLink;
import dev.tether.processor.observe.BatchMetrics;
import dev.tether.processor.stream.ReplicaTable;
import dev.tether.processor.stream.StreamBatchProcessor;
import dev.tether.processor.stream.StreamBatchProcessor.Result;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.lambda.powertools.logging.PowertoolsLogging;

/**
 * Lambda entry point for a DynamoDB stream (by default the {@code Customers} table's): replicates every change into
 * MySQL, guarded by sequence numbers so that replays and reordering never corrupt a row, and reports the checkpoint
 * to resume from. Configure the event source mapping with {@code FunctionResponseTypes: [ReportBatchItemFailures]}.
 */
public final class CustomerStreamHandler
        implements RequestHandler<DynamodbEvent, StreamsEventResponse>, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CustomerStreamHandler.class);

    private final DatabaseLink link;
    private final StreamBatchProcessor processor;
    private final BatchMetrics metrics;

    /** The constructor Lambda calls: reads {@code TETHER_*} from the environment once. */
    public CustomerStreamHandler() {
        this(TetherConfig.fromEnvironment(System.getenv()));
    }

    /** A handler on its own link to the database {@code config} names. */
    public CustomerStreamHandler(TetherConfig config) {
        ReplicaTable table = ReplicaTable.resolve(config.stream());
        this.link = new DatabaseLink(config);
        this.processor = new StreamBatchProcessor(link, table);
        this.metrics = new BatchMetrics(config.metricsNamespace(), "stream", link);
        if (config.prime()) {
            HotPath.primeStream(config, table);
        }
    }

    @Override
    public StreamsEventResponse handleRequest(DynamodbEvent event, Context context) {
        List<DynamodbStreamRecord> records = event == null || event.getRecords() == null ? List.of() : event.getRecords();
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
        LOG.info(
                "stream batch processed",
                entry("records", records.size()),
                entry("applied", result.applied()),
                entry("checkpoint", result.response().getBatchItemFailures().isEmpty()
                        ? null
                        : result.response().getBatchItemFailures().get(0).getItemIdentifier()),
                entry("transactions", result.transactions()),
                entry("connectionNew", link.lastConnectionWasNew()),
                entry("connectionAgeMs", link.connectionAgeMillis()),
                entry("reconnects", link.reconnects()),
                entry("retries", link.retries()),
                entry("durationMs", durationMs));
        int failed = result.response().getBatchItemFailures().isEmpty() ? 0 : records.size() - result.applied();
        metrics.record(result.applied(), failed, 0, durationMs);
        return result.response();
    }

    /** The container's database link. */
    public DatabaseLink link() {
        return link;
    }

    @Override
    public void close() {
        link.close();
    }
}
