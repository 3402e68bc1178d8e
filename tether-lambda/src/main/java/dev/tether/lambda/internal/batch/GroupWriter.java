package dev.tether.lambda.internal.batch;

import java.util.List;
import org.jooq.DSLContext;

/**
 * Writes a group of items inside a transaction that the caller owns. Throwing rolls the whole group back; items
 * the writer declines to apply (and did not write) are returned as rejections, and the rest commit.
 */
@FunctionalInterface
public interface GroupWriter<T> {

    /** Writes {@code items} (in delivery order) through {@code tx}, in a constant number of statements. */
    GroupResult<T> write(DSLContext tx, List<T> items);

    /** What a writer did with a group, besides writing it. */
    record GroupResult<T>(List<IsolatingCommitter.Failure<T>> rejected, int duplicates) {

        /** Everything written, nothing declined. */
        public static <T> GroupResult<T> allWritten() {
            return new GroupResult<>(List.of(), 0);
        }
    }
}
