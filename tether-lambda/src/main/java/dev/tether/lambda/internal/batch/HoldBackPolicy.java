package dev.tether.lambda.internal.batch;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * What a failed item holds back among the items after it. Items are always visited in delivery order, so a
 * tracker can decide in one pass.
 */
public interface HoldBackPolicy<T> {

    /** A fresh pass over a batch in delivery order. */
    Tracker<T> track();

    /** One pass: says whether an item is held back by an earlier failure, and learns of failures. */
    interface Tracker<T> {

        /** True when an earlier failure holds {@code item} back: it must not be applied. */
        boolean blocks(T item);

        /** Notes that {@code item} failed. */
        void failed(T item);
    }

    /** The items of {@code ordered} that an earlier failed item (one matching {@code failed}) holds back. */
    default List<T> blockedBy(List<T> ordered, Predicate<T> failed) {
        Tracker<T> tracker = track();
        List<T> blocked = new ArrayList<>();
        for (T item : ordered) {
            boolean isBlocked = tracker.blocks(item);
            if (isBlocked) {
                blocked.add(item);
            }
            if (isBlocked || failed.test(item)) {
                tracker.failed(item);
            }
        }
        return blocked;
    }

    /** Standard queues: items are independent; a failure holds nothing back. */
    static <T> HoldBackPolicy<T> independent() {
        return () -> new Tracker<>() {
            @Override
            public boolean blocks(T item) {
                return false;
            }

            @Override
            public void failed(T item) {}
        };
    }

    /**
     * FIFO queues, per group: a failure holds back the later items of its group only. Ordering is guaranteed only
     * within a message group, so other groups may go on.
     */
    static <T> HoldBackPolicy<T> byGroup(Function<T, String> groupOf) {
        return () -> new Tracker<>() {
            private final Set<String> failedGroups = new HashSet<>();

            @Override
            public boolean blocks(T item) {
                String group = groupOf.apply(item);
                return group != null && failedGroups.contains(group);
            }

            @Override
            public void failed(T item) {
                String group = groupOf.apply(item);
                if (group != null) {
                    failedGroups.add(group);
                }
            }
        };
    }

    /** In order, all or a prefix: the first failure holds back every later item (FIFO "stop the batch", streams). */
    static <T> HoldBackPolicy<T> wholeBatch() {
        return () -> new Tracker<>() {
            private boolean anyFailed;

            @Override
            public boolean blocks(T item) {
                return anyFailed;
            }

            @Override
            public void failed(T item) {
                anyFailed = true;
            }
        };
    }
}
