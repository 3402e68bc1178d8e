package dev.tether.processor.write;

import dev.tether.processor.link.DatabaseLink;
import dev.tether.processor.link.SqlFailures;
import java.util.ArrayList;
import java.util.List;

/**
 * Commits a batch in one transaction; when that fails on the data, retries the two halves in transactions of
 * their own, and so on down to single items, so that every item that can commit does and only the ones that cannot
 * are reported. A failure of the connection itself fails the group it hit without splitting: no smaller group
 * would fare better on a dead connection.
 *
 * <p>An item is in exactly one of {@link Outcome#committed()} and {@link Outcome#failed()}.
 */
public final class IsolatingCommitter<T> {

    private final DatabaseLink link;
    private final BatchWriter<T> writer;

    public IsolatingCommitter(DatabaseLink link, BatchWriter<T> writer) {
        this.link = link;
        this.writer = writer;
    }

    /** An item that did not commit, and why. */
    public record Failure<T>(T item, Throwable cause) {}

    /** What became of a batch. */
    public record Outcome<T>(List<T> committed, List<Failure<T>> failed, int transactions) {}

    /** Commits {@code items}, isolating the ones that cannot be committed. */
    public Outcome<T> commit(List<T> items) {
        List<T> committed = new ArrayList<>(items.size());
        List<Failure<T>> failed = new ArrayList<>();
        int transactions = commitGroup(items, committed, failed);
        return new Outcome<>(committed, failed, transactions);
    }

    private int commitGroup(List<T> group, List<T> committed, List<Failure<T>> failed) {
        if (group.isEmpty()) {
            return 0;
        }
        try {
            link.inTransaction(tx -> {
                writer.write(tx.dsl(), group);
                return null;
            });
            committed.addAll(group);
            return 1;
        } catch (RuntimeException e) {
            if (group.size() == 1 || SqlFailures.isConnectionFailure(e)) {
                for (T item : group) {
                    failed.add(new Failure<>(item, e));
                }
                return 1;
            }
            int middle = group.size() / 2;
            return 1
                    + commitGroup(group.subList(0, middle), committed, failed)
                    + commitGroup(group.subList(middle, group.size()), committed, failed);
        }
    }
}
