package dev.tether.lambda.internal.batch;

import dev.tether.lambda.internal.batch.GroupWriter.GroupResult;
import dev.tether.lambda.internal.batch.IsolatingCommitter.Failure;
import dev.tether.lambda.internal.batch.IsolatingCommitter.Outcome;
import dev.tether.lambda.internal.idempotency.IdempotencyKeys.Key;
import dev.tether.lambda.internal.idempotency.TransactionalIdempotency;
import dev.tether.lambda.internal.idempotency.TransactionalIdempotency.Verdict;
import dev.tether.lambda.link.DatabaseLink;
import dev.tether.lambda.link.OnLostCommit;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.jooq.DSLContext;

/**
 * One transaction per batch: with idempotency on, the batch's keys are checked and recorded in the same
 * transaction as its effects (see {@link TransactionalIdempotency}); failures are isolated by the committer.
 */
public final class TransactionalExecution implements Execution {

    private final DatabaseLink link;
    private final Routes routes;
    private final TransactionalIdempotency idempotency;
    private final Clock clock;

    /** {@code idempotency} null: every delivery applies. */
    public TransactionalExecution(DatabaseLink link, Routes routes, TransactionalIdempotency idempotency, Clock clock) {
        this.link = link;
        this.routes = routes;
        this.idempotency = idempotency;
        this.clock = clock;
    }

    @Override
    public Outcome<Routed> run(List<Routed> messages, HoldBackPolicy<Routed> ordering) {
        // With idempotency records in the transaction, a repeat after a lost COMMIT finds them and applies nothing
        // twice; without them an additive effect would apply again, so a lost COMMIT is reported for redelivery
        // instead.
        OnLostCommit onLostCommit = idempotency == null ? OnLostCommit.REPORT : OnLostCommit.RETRY;
        return new IsolatingCommitter<Routed>(link, onLostCommit, (tx, group) -> write(tx, group, ordering), ordering)
                .commit(messages);
    }

    private GroupResult<Routed> write(DSLContext tx, List<Routed> group, HoldBackPolicy<Routed> ordering) {
        if (idempotency == null) {
            routes.write(tx, group);
            return GroupResult.allWritten();
        }
        Instant now = clock.instant();
        List<Verdict> verdicts =
                idempotency.verdicts(tx, group.stream().map(Routed::key).toList(), now);
        HoldBackPolicy.Tracker<Routed> tracker = ordering.track();
        List<Routed> toApply = new ArrayList<>(group.size());
        List<Verdict> applyVerdicts = new ArrayList<>(group.size());
        List<Failure<Routed>> rejected = new ArrayList<>();
        int duplicates = 0;
        for (int i = 0; i < group.size(); i++) {
            Routed message = group.get(i);
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
                applyVerdicts.add(verdicts.get(i));
            }
        }
        idempotency.record(tx, toApply.stream().map(Routed::key).toList(), applyVerdicts, now);
        routes.write(tx, toApply);
        return new GroupResult<>(rejected, duplicates);
    }

    private static RecordRejectedException rejection(Verdict verdict, Key key) {
        return switch (verdict) {
            case KEY_REUSED ->
                new RecordRejectedException(
                        "idempotency key '" + key.value() + "' was used before with a different payload");
            case IN_PROGRESS ->
                new RecordRejectedException(
                        "idempotency key '" + key.value() + "' is being processed elsewhere; retry later");
            case NEW, REPLACE, DUPLICATE -> null;
        };
    }
}
