package dev.tether.lambda.internal.batch;

import static software.amazon.lambda.powertools.logging.argument.StructuredArguments.entry;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse.BatchItemFailure;
import com.amazonaws.services.lambda.runtime.events.SQSEvent.SQSMessage;
import dev.tether.lambda.config.TetherConfig.FifoFailure;
import dev.tether.lambda.internal.batch.IsolatingCommitter.Failure;
import dev.tether.lambda.internal.batch.IsolatingCommitter.Outcome;
import dev.tether.lambda.link.SqlFailures;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Processes one SQS batch: opens every message's envelope, picks its route by type, reads and validates it, applies
 * the valid ones (one transaction per batch, or Powertools' per-record flow), and answers with exactly the messages
 * that did not take effect.
 *
 * <p>Reporting partial failures: "Handling errors for an SQS event source in Lambda"
 * (https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html). Lambda deletes every message not
 * listed in {@code batchItemFailures}; the listed ones become visible again after the visibility timeout and move to
 * the dead-letter queue after {@code maxReceiveCount} receives. A duplicate of an effect that already committed is a
 * success: it must be deleted, not retried. A message of a type no route serves is a failure, never skipped.
 */
public final class SqsBatchProcessor {

    private static final Logger LOG = LoggerFactory.getLogger(SqsBatchProcessor.class);

    /** Per-route figures under this name for messages whose route could not be known. */
    public static final String UNROUTED = "(unrouted)";

    private final MessageReading reading;
    private final Execution execution;
    private final FifoFailure fifoFailure;

    public SqsBatchProcessor(MessageReading reading, Execution execution, FifoFailure fifoFailure) {
        this.reading = reading;
        this.execution = execution;
        this.fifoFailure = fifoFailure;
    }

    /** What became of a batch, in total and per route. */
    public record BatchResult(
            SQSBatchResponse response,
            int committed,
            int duplicates,
            int failed,
            int transactions,
            Map<String, int[]> perRoute) {}

    /** Processes {@code messages} and reports the ones that did not take effect. */
    public BatchResult process(List<SQSMessage> messages) {
        HoldBackPolicy<SQSMessage> messageOrdering = SqsOrdering.forBatch(messages, fifoFailure, SqsOrdering::groupOf);
        HoldBackPolicy.Tracker<SQSMessage> tracker = messageOrdering.track();
        List<Routed> valid = new ArrayList<>(messages.size());
        Set<String> failed = new HashSet<>();
        Map<String, int[]> perRoute = new TreeMap<>();
        for (SQSMessage message : messages) {
            if (tracker.blocks(message)) {
                failed.add(message.getMessageId());
                count(perRoute, reading.routeName(message), 1);
                LOG.warn(
                        "message held back",
                        entry("messageId", message.getMessageId()),
                        entry("reason", "an earlier message of its group failed"));
                continue;
            }
            try {
                valid.add(reading.readRouted(message));
            } catch (MessageReading.Unread unread) {
                failed.add(message.getMessageId());
                tracker.failed(message);
                String route =
                        unread.route() == null ? UNROUTED : unread.route().name();
                count(perRoute, route, 1);
                LOG.warn(
                        "invalid message",
                        entry("messageId", message.getMessageId()),
                        entry("route", route),
                        entry("field", unread.invalid().field()),
                        entry("reason", unread.invalid().reason()));
            }
        }
        Outcome<Routed> outcome = execution.run(valid, SqsOrdering.forBatch(messages, fifoFailure, Routed::groupId));
        for (Routed routed : outcome.committed()) {
            count(perRoute, routed.route().name(), 0);
        }
        for (Failure<Routed> failure : outcome.failed()) {
            failed.add(failure.item().messageId());
            count(perRoute, failure.item().route().name(), 1);
            LOG.error(
                    "message not applied",
                    entry("messageId", failure.item().messageId()),
                    entry("route", failure.item().route().name()),
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
                outcome.transactions(),
                perRoute);
    }

    /** {@code slot} 0 committed, 1 failed. */
    private static void count(Map<String, int[]> perRoute, String route, int slot) {
        perRoute.computeIfAbsent(route, r -> new int[2])[slot]++;
    }
}
