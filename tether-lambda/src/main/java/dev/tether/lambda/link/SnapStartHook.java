package dev.tether.lambda.link;

import org.crac.Context;
import org.crac.Core;
import org.crac.Resource;

/**
 * Closes a link's connection before a SnapStart snapshot: a connection in a snapshot would be shared by every
 * container restored from it ("Handling uniqueness with Lambda SnapStart", AWS). A restored container connects at
 * its first batch. Registered with CRaC's global context, which holds resources weakly: the link keeps this hook.
 */
final class SnapStartHook implements Resource {

    private final Runnable closeConnection;

    private SnapStartHook(Runnable closeConnection) {
        this.closeConnection = closeConnection;
    }

    /** A hook that runs {@code closeConnection} before a checkpoint, registered; keep a strong reference to it. */
    static SnapStartHook register(Runnable closeConnection) {
        SnapStartHook hook = new SnapStartHook(closeConnection);
        Core.getGlobalContext().register(hook);
        return hook;
    }

    @Override
    public void beforeCheckpoint(Context<? extends Resource> context) {
        closeConnection.run();
    }

    @Override
    public void afterRestore(Context<? extends Resource> context) {}
}
