package dev.tether.lambda.internal.batch;

import dev.tether.lambda.internal.batch.IsolatingCommitter.Outcome;
import java.util.List;

/** Applies validated messages, in delivery order, under an ordering policy. */
public interface Execution {

    /** Applies {@code messages}; every message ends committed (applied or a duplicate) or failed. */
    Outcome<Routed> run(List<Routed> messages, HoldBackPolicy<Routed> ordering);
}
