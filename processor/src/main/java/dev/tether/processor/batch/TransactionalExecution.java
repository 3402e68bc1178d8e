package dev.tether.processor.batch;

import dev.tether.processor.idempotency.IdempotencyKeys.Key;
import dev.tether.processor.idempotency.TransactionalIdempotency;
import dev.tether.processor.idempotency.TransactionalIdempotency.Verdict;
import dev.tether.processor.link.DatabaseLink;
import dev.tether.processor.link.OnLostCommit;
import dev.tether.processor.write.BatchWriter.GroupResult;
import dev.tether.processor.write.IsolatingCommitter;
import dev.tether.processor.write.IsolatingCommitter.Failure;
import dev.tether.processor.write.IsolatingCommitter.Outcome;
import dev.tether.processor.write.OrderEventWriter;
import dev.tether.processor.write.OrderingPolicy;
import dev.tether.processor.write.RecordRejectedException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.jooq.DSLContext;

/**
 * One transaction per batch: with idempotency on, the batch's keys are checked and recorded in the same
 * transaction as its effects (see {@link TransactionalIdempotency}); failures are isolated by the committer.
 */
public final class TransactionalExecution implements OrderExecution {

    private final DatabaseLink link;
    private final OrderEventWriter writer;
    private final TransactionalIdempotency idempotency;
    private final Clock clock;

    /** {@code idempotency} null: every delivery applies. */
    public TransactionalExecution(
            DatabaseLink link, OrderEventWriter writer, TransactionalIdempotency idempotency, Clock clock) {
        this.link = link;
        this.writer = writer;
        this.idempotency = idempotency;
        this.clock = clock;
    }

    @Override
    public Outcome<OrderMessage> run(List<OrderMessage> messages, OrderingPolicy<OrderMessage> ordering) {
        // With idempotency records in the transaction, a repeat after a lost COMMIT finds them and applies nothing
        // twice; without them a payment would apply again, so a lost COMMIT is reported for redelivery instead.
        OnLostCommit onLostCommit = idempotency == null ? OnLostCommit.REPORT : OnLostCommit.RETRY;
        return new IsolatingCommitter<OrderMessage>(link, onLostCommit, (tx, group) -> write(tx, group, ordering),
                        ordering)
                .commit(messages);
    }

    private GroupResult<OrderMessage> write(
            DSLContext tx, List<OrderMessage> group, OrderingPolicy<OrderMessage> ordering) {
        if (idempotency == null) {
            writer.write(tx, group.stream().map(OrderMessage::event).toList());
            return GroupResult.allWritten();
        }
        Instant now = clock.instant();
        List<Verdict> verdicts = idempotency.verdicts(tx, group.stream().map(OrderMessage::key).toList(), now);
        OrderingPolicy.Tracker<OrderMessage> tracker = ordering.track();
        List<OrderMessage> toApply = new ArrayList<>(group.size());
        List<Failure<OrderMessage>> rejected = new ArrayList<>();
        int duplicates = 0;
        for (int i = 0; i < group.size(); i++) {
            OrderMessage message = group.get(i);
            RecordRejectedException rejection = tracker.blocks(message)
                    ? new RecordRejectedException("not applied: an earlier message of its group failed")
                    : rejection(verdicts.get(i), message.key());
            if (rejection != null) {
                rejected.add(new Failure<>(message, rejection));
                tracker.failed(message);
            } else if (verdicts.get(i) == Verdict.DUPLICATE) {
                duplicates++;
            } else {
                toApply.add(message);
            }
        }
        idempotency.record(tx, toApply.stream().map(OrderMessage::key).toList(), now);
        writer.write(tx, toApply.stream().map(OrderMessage::event).toList());
        return new GroupResult<>(rejected, duplicates);
    }

    private static RecordRejectedException rejection(Verdict verdict, Key key) {
        return switch (verdict) {
            case KEY_REUSED -> new RecordRejectedException(
                    "idempotency key '" + key.value() + "' was used before with a different payload");
            case IN_PROGRESS -> new RecordRejectedException(
                    "idempotency key '" + key.value() + "' is being processed elsewhere; retry later");
            case NEW, DUPLICATE -> null;
        };
    }
}
