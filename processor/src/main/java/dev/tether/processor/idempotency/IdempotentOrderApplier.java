package dev.tether.processor.idempotency;

import com.amazonaws.services.lambda.runtime.events.SQSEvent.SQSMessage;
import dev.tether.processor.link.DatabaseLink;
import dev.tether.processor.link.OnLostCommit;
import dev.tether.processor.order.OrderEvent;
import dev.tether.processor.write.OrderEventWriter;
import java.util.List;
import software.amazon.lambda.powertools.idempotency.IdempotencyKey;
import software.amazon.lambda.powertools.idempotency.Idempotent;

/**
 * Applies one event under Powertools' {@code @Idempotent} flow (woven at build time): Powertools claims the key
 * ("in progress"), this method writes the event in its own transaction, and Powertools marks the key completed; a
 * repeat of a completed key returns the stored response without running the method.
 */
public class IdempotentOrderApplier {

    private final DatabaseLink link;
    private final OrderEventWriter writer;
    private boolean ran;

    public IdempotentOrderApplier(DatabaseLink link, OrderEventWriter writer) {
        this.link = link;
        this.writer = writer;
    }

    /** Writes {@code event}; its key is taken from {@code message} with the configured key expression. */
    @Idempotent
    public String apply(@IdempotencyKey SQSMessage message, OrderEvent event) {
        ran = true;
        // The effect alone, without a record beside it: a lost COMMIT is reported (Powertools then releases the key
        // and the message is redelivered), never repeated on the spot.
        link.inTransaction(OnLostCommit.REPORT, tx -> {
            writer.write(tx.dsl(), List.of(event));
            return null;
        });
        return "applied";
    }

    /** Whether {@link #apply} ran since the last call (false: Powertools answered a duplicate from its record). */
    public boolean ranSinceLastAsked() {
        boolean result = ran;
        ran = false;
        return result;
    }
}
