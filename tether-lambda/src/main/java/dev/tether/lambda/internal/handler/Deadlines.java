package dev.tether.lambda.internal.handler;

import static java.util.concurrent.TimeUnit.SECONDS;

import com.amazonaws.services.lambda.runtime.Context;

/** When an invocation must be done with the database: its remaining time less a safety margin. */
public final class Deadlines {

    /** Kept free at the end of an invocation: enough to answer Lambda, at most a fifth of the time left. */
    static final long SAFETY_MARGIN_MS = SECONDS.toMillis(3);

    /** Without a context (local tools), an invocation gets a minute. */
    static final long DEFAULT_REMAINING_MS = SECONDS.toMillis(60);

    private Deadlines() {}

    public static long of(Context context) {
        long remaining = context == null ? DEFAULT_REMAINING_MS : context.getRemainingTimeInMillis();
        long margin = Math.min(SAFETY_MARGIN_MS, remaining / 5);
        return System.currentTimeMillis() + remaining - margin;
    }
}
