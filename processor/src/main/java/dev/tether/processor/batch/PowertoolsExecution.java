package dev.tether.processor.batch;

import dev.tether.processor.idempotency.IdempotentOrderApplier;
import dev.tether.processor.write.IsolatingCommitter.Failure;
import dev.tether.processor.write.IsolatingCommitter.Outcome;
import dev.tether.processor.write.OrderingPolicy;
import dev.tether.processor.write.RecordRejectedException;
import java.util.ArrayList;
import java.util.List;
import software.amazon.lambda.powertools.idempotency.exceptions.IdempotencyAlreadyInProgressException;
import software.amazon.lambda.powertools.idempotency.exceptions.IdempotencyValidationException;

/**
 * Powertools' own idempotency flow, one record at a time: claim the key, apply the event in its own transaction,
 * mark the key completed. For side effects outside the database; several round trips per record.
 */
public final class PowertoolsExecution implements OrderExecution {

    private final IdempotentOrderApplier applier;

    public PowertoolsExecution(IdempotentOrderApplier applier) {
        this.applier = applier;
    }

    @Override
    public Outcome<OrderMessage> run(List<OrderMessage> messages, OrderingPolicy<OrderMessage> ordering) {
        OrderingPolicy.Tracker<OrderMessage> tracker = ordering.track();
        List<OrderMessage> committed = new ArrayList<>(messages.size());
        List<Failure<OrderMessage>> failed = new ArrayList<>();
        int duplicates = 0;
        for (OrderMessage message : messages) {
            Throwable failure = null;
            if (tracker.blocks(message)) {
                failure = new RecordRejectedException("not applied: an earlier message of its group failed");
            } else {
                try {
                    applier.apply(message.message(), message.event());
                    duplicates += applier.ranSinceLastAsked() ? 0 : 1;
                    committed.add(message);
                } catch (IdempotencyValidationException e) {
                    failure = new RecordRejectedException(
                            "idempotency key '" + message.key().value() + "' was used before with a different payload");
                } catch (IdempotencyAlreadyInProgressException e) {
                    failure = new RecordRejectedException(
                            "idempotency key '" + message.key().value() + "' is being processed elsewhere; retry later");
                } catch (RuntimeException e) {
                    failure = e;
                }
            }
            if (failure != null) {
                failed.add(new Failure<>(message, failure));
                tracker.failed(message);
            }
        }
        return new Outcome<>(committed, failed, duplicates, messages.size());
    }
}
