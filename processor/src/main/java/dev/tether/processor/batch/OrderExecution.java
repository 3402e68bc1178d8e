package dev.tether.processor.batch;

import dev.tether.processor.write.IsolatingCommitter.Outcome;
import dev.tether.processor.write.OrderingPolicy;
import java.util.List;

/** Applies validated messages, in delivery order, under an ordering policy. */
public interface OrderExecution {

    /** Applies {@code messages}; every message ends committed (applied or a duplicate) or failed. */
    Outcome<OrderMessage> run(List<OrderMessage> messages, OrderingPolicy<OrderMessage> ordering);
}
