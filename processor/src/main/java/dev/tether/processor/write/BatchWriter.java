package dev.tether.processor.write;

import java.util.List;
import org.jooq.DSLContext;

/** Writes a group of items inside a transaction that the caller owns; throws to roll the whole group back. */
@FunctionalInterface
public interface BatchWriter<T> {

    /** Writes {@code items} through {@code tx}, in a constant number of statements. */
    void write(DSLContext tx, List<T> items);
}
