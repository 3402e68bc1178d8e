package dev.tether.processor.batch;

import static software.amazon.lambda.powertools.logging.argument.StructuredArguments.entry;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse.BatchItemFailure;
import com.amazonaws.services.lambda.runtime.events.SQSEvent.SQSMessage;
import dev.tether.processor.config.TetherConfig.FifoFailure;
import dev.tether.processor.idempotency.IdempotencyKeys;
import dev.tether.processor.link.SqlFailures;
import dev.tether.processor.order.InvalidEventException;
import dev.tether.processor.order.OrderEventParser;
import dev.tether.processor.write.IsolatingCommitter.Failure;
import dev.tether.processor.write.IsolatingCommitter.Outcome;
import dev.tether.processor.write.OrderingPolicy;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Processes one SQS batch of order events: validates every message, applies the valid ones (one transaction per
 * batch, or Powertools' per-record flow), and answers with exactly the messages that did not take effect.
 *
 * <p>Reporting partial failures: "Handling errors for an SQS event source in Lambda"
 * (https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html). Lambda deletes every message not
 * listed in {@code batchItemFailures}; the listed ones become visible again after the visibility timeout and move to
 * the dead-letter queue after {@code maxReceiveCount} receives. A duplicate of an effect that already committed is a
 * success: it must be deleted, not retried.
 */
public final class OrderBatchProcessor {

    private static final Logger LOG = LoggerFactory.getLogger(OrderBatchProcessor.class);

    private final OrderEventParser parser;
    private final IdempotencyKeys keys;
    private final OrderExecution execution;
    private final FifoFailure fifoFailure;

    /** {@code keys} null: idempotency is off. */
    public OrderBatchProcessor(
            OrderEventParser parser, IdempotencyKeys keys, OrderExecution execution, FifoFailure fifoFailure) {
        this.parser = parser;
        this.keys = keys;
        this.execution = execution;
        this.fifoFailure = fifoFailure;
    }

    /** What became of a batch. */
    public record BatchResult(SQSBatchResponse response, int committed, int duplicates, int failed, int transactions) {}

    /**
     * A message's event and key. Whatever its body holds (any bytes, any size, any nesting), a message that cannot be
     * read is an {@link InvalidEventException} of its own: a reader's unexpected failure is that message's, never
     * the batch's, so the valid messages beside it still commit.
     */
    private OrderMessage read(SQSMessage message) throws InvalidEventException {
        try {
            return new OrderMessage(message, parser.parse(message.getBody()), keys == null ? null : keys.of(message));
        } catch (RuntimeException | StackOverflowError e) {
            LOG.error("message body could not be read", entry("messageId", message.getMessageId()),
                    entry("error", e.getClass().getName()));
            throw new InvalidEventException("body", "could not be read (" + e.getClass().getSimpleName() + ")");
        }
    }

    /** Processes {@code messages} and reports the ones that did not take effect. */
    public BatchResult process(List<SQSMessage> messages) {
        OrderingPolicy<SQSMessage> messageOrdering = SqsOrdering.forBatch(messages, fifoFailure, SqsOrdering::groupOf);
        OrderingPolicy.Tracker<SQSMessage> tracker = messageOrdering.track();
        List<OrderMessage> valid = new ArrayList<>(messages.size());
        Set<String> failed = new HashSet<>();
        for (SQSMessage message : messages) {
            if (tracker.blocks(message)) {
                failed.add(message.getMessageId());
                LOG.warn("message held back", entry("messageId", message.getMessageId()),
                        entry("reason", "an earlier message of its group failed"));
                continue;
            }
            try {
                valid.add(read(message));
            } catch (InvalidEventException e) {
                failed.add(message.getMessageId());
                tracker.failed(message);
                LOG.warn(
                        "invalid message",
                        entry("messageId", message.getMessageId()),
                        entry("field", e.field()),
                        entry("reason", e.reason()));
            }
        }
        Outcome<OrderMessage> outcome =
                execution.run(valid, SqsOrdering.forBatch(messages, fifoFailure, OrderMessage::groupId));
        for (Failure<OrderMessage> failure : outcome.failed()) {
            failed.add(failure.item().messageId());
            LOG.error(
                    "message not applied",
                    entry("messageId", failure.item().messageId()),
                    entry("reason", SqlFailures.describe(failure.cause())));
        }
        List<BatchItemFailure> failures = new ArrayList<>(failed.size());
        for (SQSMessage message : messages) {
            if (failed.contains(message.getMessageId())) {
                failures.add(new BatchItemFailure(message.getMessageId()));
            }
        }
        return new BatchResult(
                new SQSBatchResponse(failures),
                outcome.committed().size() - outcome.duplicates(),
                outcome.duplicates(),
                failures.size(),
                outcome.transactions());
    }
}
