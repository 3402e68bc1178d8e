package dev.tether.processor.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.tether.processor.batch.OrderBatchProcessor;
import dev.tether.processor.config.TetherConfig;
import dev.tether.processor.link.DatabaseLink;
import dev.tether.processor.order.OrderEventParser;
import dev.tether.processor.write.OrderEventWriter;
import java.util.List;
import software.amazon.lambda.powertools.logging.PowertoolsLogging;

/**
 * Lambda entry point for SQS order events: lands {@code OrderUpserted} and {@code PaymentCaptured} events in MySQL
 * and reports partial batch failures. Configure the event source mapping with
 * {@code FunctionResponseTypes: [ReportBatchItemFailures]}, or Lambda ignores the reported failures.
 *
 * <p>Everything expensive is built once, in the constructor, when Lambda creates the container; every invocation
 * of that container reuses the same database connection.
 */
public final class OrderEventsHandler implements RequestHandler<SQSEvent, SQSBatchResponse>, AutoCloseable {

    private final DatabaseLink link;
    private final OrderBatchProcessor processor;

    /** The constructor Lambda calls: reads {@code TETHER_*} from the environment once. */
    public OrderEventsHandler() {
        this(TetherConfig.fromEnvironment(System.getenv()));
    }

    /** A handler on its own link to the database {@code config} names. */
    public OrderEventsHandler(TetherConfig config) {
        this.link = new DatabaseLink(config);
        this.processor =
                new OrderBatchProcessor(link, new OrderEventParser(), new OrderEventWriter(config.maxStatementBytes()));
    }

    @Override
    public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
        List<SQSEvent.SQSMessage> records = event == null || event.getRecords() == null ? List.of() : event.getRecords();
        if (context == null) {
            return processor.process(records);
        }
        return PowertoolsLogging.withLogging(context, () -> processor.process(records));
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
