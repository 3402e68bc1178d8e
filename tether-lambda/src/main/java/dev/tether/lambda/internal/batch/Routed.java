package dev.tether.lambda.internal.batch;

import com.amazonaws.services.lambda.runtime.events.SQSEvent.SQSMessage;
import dev.tether.lambda.internal.idempotency.IdempotencyKeys.Key;

/**
 * A message that passed reading and validation: the SQS message, the route that read it, its event, and its
 * idempotency key (null when idempotency is off).
 */
public record Routed(SQSMessage message, Route route, Object event, Key key) {

    /** The SQS message id, which a batch item failure names. */
    public String messageId() {
        return message.getMessageId();
    }

    /** The FIFO message group, or null on a standard queue. */
    public String groupId() {
        return SqsOrdering.groupOf(message);
    }
}
