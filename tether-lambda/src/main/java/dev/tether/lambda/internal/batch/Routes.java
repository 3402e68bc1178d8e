package dev.tether.lambda.internal.batch;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.jooq.DSLContext;

/**
 * Writes a group of routed messages: each route's events, in delivery order, through that route's writer, the
 * routes in the order they were registered (so statements, and the locks they take, come in a stable order).
 */
public final class Routes {

    private final List<Route> inOrder;

    public Routes(List<Route> inOrder) {
        this.inOrder = List.copyOf(inOrder);
    }

    /** Writes {@code group} through {@code tx}; a writer's failure rolls the caller's transaction back. */
    public void write(DSLContext tx, List<Routed> group) {
        if (group.isEmpty()) {
            return;
        }
        if (inOrder.size() == 1) {
            List<Object> events = new ArrayList<>(group.size());
            for (Routed routed : group) {
                events.add(routed.event());
            }
            inOrder.get(0).writer().write(tx, events);
            return;
        }
        Map<Route, List<Object>> byRoute = new IdentityHashMap<>();
        for (Routed routed : group) {
            byRoute.computeIfAbsent(routed.route(), r -> new ArrayList<>()).add(routed.event());
        }
        for (Route route : inOrder) {
            List<Object> events = byRoute.get(route);
            if (events != null) {
                route.writer().write(tx, events);
            }
        }
    }

    /** The routes, in registration order. */
    public List<Route> all() {
        return inOrder;
    }
}
