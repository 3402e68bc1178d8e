package dev.tether.processor.batch;

import static software.amazon.lambda.powertools.logging.argument.StructuredArguments.entry;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse.BatchItemFailure;
import com.amazonaws.services.lambda.runtime.events.SQSEvent.SQSMessage;
import dev.tether.processor.link.DatabaseLink;
import dev.tether.processor.link.SqlFailures;
import dev.tether.processor.order.InvalidEventException;
import dev.tether.processor.order.OrderEvent;
import dev.tether.processor.order.OrderEventParser;
import dev.tether.processor.write.BatchWriter;
import dev.tether.processor.write.IsolatingCommitter;
import dev.tether.processor.write.IsolatingCommitter.Failure;
import dev.tether.processor.write.IsolatingCommitter.Outcome;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Processes one SQS batch of order events: validates every message, commits the valid ones in one transaction, and
 * answers with exactly the messages that did not commit.
 *
 * <p>Reporting partial failures: "Handling errors for an SQS event source in Lambda"
 * (https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html). Lambda deletes every message not
 * listed in {@code batchItemFailures}; the listed ones become visible again after the visibility timeout and move to
 * the dead-letter queue after {@code maxReceiveCount} receives.
 */
public final class OrderBatchProcessor {

    private static final Logger LOG = LoggerFactory.getLogger(OrderBatchProcessor.class);

    private final OrderEventParser parser;
    private final IsolatingCommitter<OrderMessage> committer;

    public OrderBatchProcessor(DatabaseLink link, OrderEventParser parser, BatchWriter<OrderEvent> writer) {
        this.parser = parser;
        this.committer = new IsolatingCommitter<>(
                link,
                (tx, messages) -> writer.write(tx, messages.stream().map(OrderMessage::event).toList()));
    }

    /** Processes {@code messages} and reports the ones that did not commit. */
    public SQSBatchResponse process(List<SQSMessage> messages) {
        long started = System.nanoTime();
        List<OrderMessage> valid = new ArrayList<>(messages.size());
        Set<String> failed = new HashSet<>();
        for (SQSMessage message : messages) {
            try {
                valid.add(new OrderMessage(message.getMessageId(), parser.parse(message.getBody())));
            } catch (InvalidEventException e) {
                failed.add(message.getMessageId());
                LOG.warn(
                        "invalid message",
                        entry("messageId", message.getMessageId()),
                        entry("field", e.field()),
                        entry("reason", e.reason()));
            }
        }
        Outcome<OrderMessage> outcome = committer.commit(valid);
        for (Failure<OrderMessage> failure : outcome.failed()) {
            failed.add(failure.item().messageId());
            LOG.error(
                    "message not committed",
                    entry("messageId", failure.item().messageId()),
                    entry("eventId", failure.item().event().eventId().toString()),
                    entry("error", SqlFailures.describe(failure.cause())));
        }
        List<BatchItemFailure> failures = new ArrayList<>(failed.size());
        for (SQSMessage message : messages) {
            if (failed.contains(message.getMessageId())) {
                failures.add(new BatchItemFailure(message.getMessageId()));
            }
        }
        LOG.info(
                "batch processed",
                entry("records", messages.size()),
                entry("committed", outcome.committed().size()),
                entry("failed", failures.size()),
                entry("transactions", outcome.transactions()),
                entry("durationMs", (System.nanoTime() - started) / 1_000_000.0));
        return new SQSBatchResponse(failures);
    }
}
