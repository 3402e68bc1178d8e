package dev.tether.lambda.internal.batch;

import com.amazonaws.services.lambda.runtime.events.SQSEvent.SQSMessage;
import dev.tether.lambda.config.TetherConfig.FifoFailure;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Ordering rules of an SQS batch.
 *
 * <p>AWS: "When using SQS FIFO queues, your function should stop processing messages after the first failure and
 * return all failed and unprocessed messages in batchItemFailures. This helps preserve the ordering of messages in
 * your queue." ("Handling errors for an SQS event source in Lambda",
 * https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html). FIFO order is guaranteed within a
 * message group only, so by default Tether stops the failed message's group and lets the other groups go on:
 * every message after a failure in its group is reported, none is applied, and the group resumes in order when
 * SQS redelivers them. {@code TETHER_FIFO_FAILURE=batch} stops the whole batch instead.
 */
public final class SqsOrdering {

    private SqsOrdering() {}

    /** The message group of a FIFO message, or null on a standard queue. */
    public static String groupOf(SQSMessage message) {
        Map<String, String> attributes = message.getAttributes();
        return attributes == null ? null : attributes.get("MessageGroupId");
    }

    /** The policy for a batch: independent on a standard queue, by group or whole batch on a FIFO one. */
    public static <T> HoldBackPolicy<T> forBatch(
            List<SQSMessage> batch, FifoFailure fifoFailure, Function<T, String> groupOf) {
        boolean fifo = batch.stream().anyMatch(m -> groupOf(m) != null);
        if (!fifo) {
            return HoldBackPolicy.independent();
        }
        return fifoFailure == FifoFailure.BATCH ? HoldBackPolicy.wholeBatch() : HoldBackPolicy.byGroup(groupOf);
    }
}
