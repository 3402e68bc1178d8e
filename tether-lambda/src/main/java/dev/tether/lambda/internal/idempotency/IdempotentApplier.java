package dev.tether.lambda.internal.idempotency;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tether.lambda.internal.batch.Routed;
import dev.tether.lambda.internal.batch.Routes;
import dev.tether.lambda.link.DatabaseLink;
import dev.tether.lambda.link.OnLostCommit;
import java.util.List;
import software.amazon.lambda.powertools.idempotency.IdempotencyKey;
import software.amazon.lambda.powertools.idempotency.Idempotent;

/**
 * Applies one message under Powertools' {@code @Idempotent} flow (woven at build time): Powertools claims the key
 * ("in progress"), this method writes the event in its own transaction, and Powertools marks the key completed; a
 * repeat of a completed key returns the stored response without running the method.
 *
 * <p>Powertools' key and payload expressions are fixed per JVM, routes' are not: Tether evaluates each route's own
 * expressions and hands Powertools the results ({@link Input}), which Powertools then hashes as it would have hashed
 * them itself, so the records are the ones the transactional mode writes.
 */
public class IdempotentApplier {

    /** What Powertools reads: {@code key} and {@code payload}, see {@link PowertoolsIdempotency}. */
    public record Input(JsonNode key, JsonNode payload) {}

    private final DatabaseLink link;
    private final Routes routes;
    /** Per invocation thread: concurrent invocations of one environment each ask about their own message. */
    private final ThreadLocal<Boolean> ran = ThreadLocal.withInitial(() -> false);

    public IdempotentApplier(DatabaseLink link, Routes routes) {
        this.link = link;
        this.routes = routes;
    }

    /** Applies {@code routed} once per key. */
    public String apply(Routed routed) {
        return apply(routed.route().keys().powertoolsInput(routed.message()), routed);
    }

    @Idempotent
    public String apply(@IdempotencyKey Input input, Routed routed) {
        ran.set(true);
        // The effect alone, without a record beside it: a lost COMMIT is reported (Powertools then releases the key
        // and the message is redelivered), never repeated on the spot.
        link.inTransaction(OnLostCommit.REPORT, tx -> {
            routes.write(tx.dsl(), List.of(routed));
            return null;
        });
        return "applied";
    }

    /**
     * Whether {@link #apply} ran on the calling thread since its last call (false: Powertools answered a duplicate
     * from its record).
     */
    public boolean ranSinceLastAsked() {
        boolean result = ran.get();
        ran.set(false);
        return result;
    }
}
