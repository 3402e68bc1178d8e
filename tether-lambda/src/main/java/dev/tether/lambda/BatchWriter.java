package dev.tether.lambda;

import java.util.List;
import org.jooq.DSLContext;

/**
 * Writes a whole group of one route's events with jOOQ, inside a transaction that Tether owns: do not commit, roll
 * back or open transactions on {@code tx}. The events are valid (read and validated), not yet applied (duplicates are
 * already removed when idempotency is on) and in delivery order. Write them in a constant number of statements,
 * for example with {@link dev.tether.lambda.write.RowStatement}, so that a batch costs a few round trips whatever its
 * size.
 *
 * <p>Throwing rolls the group back; Tether then retries smaller groups until the event at fault is alone, and
 * reports exactly that message. A writer may be called several times for one batch (such retries, or one call per
 * group when a FIFO group is held back) and always with events that have not been committed. Called on one thread
 * at a time.
 */
@FunctionalInterface
public interface BatchWriter<E> {

    /** Writes {@code events} (never empty) through {@code tx}. */
    void write(DSLContext tx, List<E> events);
}
