package dev.tether.processor.batch;

import com.amazonaws.services.lambda.runtime.events.SQSEvent.SQSMessage;
import dev.tether.processor.idempotency.IdempotencyKeys.Key;
import dev.tether.processor.order.OrderEvent;

/**
 * A message that passed validation: the SQS message, its event, and its idempotency key (null when idempotency is
 * off).
 */
public record OrderMessage(SQSMessage message, OrderEvent event, Key key) {

    /** The SQS message id, which a batch item failure names. */
    public String messageId() {
        return message.getMessageId();
    }

    /** The FIFO message group, or null on a standard queue. */
    public String groupId() {
        return SqsOrdering.groupOf(message);
    }
}
