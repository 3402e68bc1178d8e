package dev.tether.lambda.internal.batch;

import dev.tether.lambda.internal.batch.GroupWriter.GroupResult;
import dev.tether.lambda.link.DatabaseLink;
import dev.tether.lambda.link.OnLostCommit;
import dev.tether.lambda.link.SqlFailures;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * Commits a batch in one transaction; when that fails on the data, commits the first half in a transaction of its
 * own, then the second half, and so on down to single items, so that every item that can commit does and only the
 * ones that cannot are reported. An {@link HoldBackPolicy} decides what a failure holds back among later items: on a
 * FIFO queue the later items of its group are reported without being applied.
 *
 * <p>A deadlock (MySQL error 1213) rolls back a whole transaction through no fault of its items: the group is
 * retried as it is, a few times, before it is split. A failure of the connection itself (no connection in the time
 * left, a COMMIT whose outcome is unknown) fails the group it hit without splitting: no smaller group would fare
 * better, and a repeat of an unknown COMMIT could apply it twice.
 *
 * <p>An item ends in exactly one of {@link Outcome#committed()} and {@link Outcome#failed()}.
 */
public final class IsolatingCommitter<T> {

    /** Attempts at one group when deadlocks roll it back. */
    private static final int DEADLOCK_ATTEMPTS = 3;

    private final DatabaseLink link;
    private final OnLostCommit onLostCommit;
    private final GroupWriter<T> writer;
    private final HoldBackPolicy<T> ordering;

    /**
     * A committer whose transactions the link retries after a lost COMMIT only when {@code onLostCommit} says the
     * writer's own statements make a repeat harmless.
     */
    public IsolatingCommitter(
            DatabaseLink link, OnLostCommit onLostCommit, GroupWriter<T> writer, HoldBackPolicy<T> ordering) {
        this.link = link;
        this.onLostCommit = onLostCommit;
        this.writer = writer;
        this.ordering = ordering;
    }

    /** An item that did not commit, and why. */
    public record Failure<T>(T item, Throwable cause) {}

    /** What became of a batch: committed items include duplicates that needed no write. */
    public record Outcome<T>(List<T> committed, List<Failure<T>> failed, int duplicates, int transactions) {}

    /** Commits {@code items} (in delivery order), isolating the ones that cannot be committed. */
    public Outcome<T> commit(List<T> items) {
        Run run = new Run(items.size());
        run.commitGroup(items);
        return new Outcome<>(run.committed, run.failed, run.duplicates, run.transactions);
    }

    private final class Run {
        final List<T> committed;
        final List<Failure<T>> failed = new ArrayList<>();
        final Set<T> failedItems = Collections.newSetFromMap(new IdentityHashMap<>());
        int duplicates;
        int transactions;

        Run(int size) {
            committed = new ArrayList<>(size);
        }

        void commitGroup(List<T> group) {
            if (group.isEmpty()) {
                return;
            }
            for (int attempt = 1; ; attempt++) {
                try {
                    transactions++;
                    GroupResult<T> result = link.inTransaction(onLostCommit, tx -> writer.write(tx.dsl(), group));
                    Set<T> rejected = Collections.newSetFromMap(new IdentityHashMap<>());
                    for (Failure<T> failure : result.rejected()) {
                        rejected.add(failure.item());
                        fail(failure);
                    }
                    for (T item : group) {
                        if (!rejected.contains(item)) {
                            committed.add(item);
                        }
                    }
                    duplicates += result.duplicates();
                    return;
                } catch (RuntimeException e) {
                    if (SqlFailures.isDeadlock(e) && attempt < DEADLOCK_ATTEMPTS) {
                        continue;
                    }
                    if (group.size() == 1 || SqlFailures.isConnectionFailure(e)) {
                        for (T item : group) {
                            fail(new Failure<>(item, e));
                        }
                        return;
                    }
                    split(group);
                    return;
                }
            }
        }

        private void split(List<T> group) {
            int middle = group.size() / 2;
            commitGroup(group.subList(0, middle));
            List<T> second = group.subList(middle, group.size());
            List<T> blocked = ordering.blockedBy(group, failedItems::contains);
            Set<T> held = Collections.newSetFromMap(new IdentityHashMap<>());
            held.addAll(blocked);
            List<T> rest = new ArrayList<>(second.size());
            for (T item : second) {
                if (held.contains(item)) {
                    fail(new Failure<>(
                            item,
                            new RecordRejectedException("not applied: an earlier record it must" + " follow failed")));
                } else {
                    rest.add(item);
                }
            }
            commitGroup(rest);
        }

        private void fail(Failure<T> failure) {
            failed.add(failure);
            failedItems.add(failure.item());
        }
    }
}
