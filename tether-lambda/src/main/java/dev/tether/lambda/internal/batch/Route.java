package dev.tether.lambda.internal.batch;

import dev.tether.lambda.Incoming;
import dev.tether.lambda.InvalidMessageException;
import dev.tether.lambda.internal.idempotency.IdempotencyKeys;
import java.util.List;
import org.jooq.DSLContext;

/**
 * A route as the batch machinery runs it: its name, how a message becomes its event, how a group of its events is
 * written, and its idempotency keys (null when idempotency is off). Built once per container by the handler.
 */
public record Route(String name, Reader reader, Writer writer, IdempotencyKeys keys) {

    /** Reads and validates one opened message. */
    @FunctionalInterface
    public interface Reader {
        Object read(Incoming message) throws InvalidMessageException;
    }

    /** Writes a group of this route's events in the caller's transaction. */
    @FunctionalInterface
    public interface Writer {
        void write(DSLContext tx, List<Object> events);
    }
}
