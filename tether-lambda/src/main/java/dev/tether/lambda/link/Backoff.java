package dev.tether.lambda.link;

import static java.util.concurrent.TimeUnit.SECONDS;

import java.util.concurrent.ThreadLocalRandom;

/**
 * The wait between connection attempts: exponential with full jitter ("Exponential Backoff And Jitter", AWS
 * Architecture Blog), from {@link #BASE_MS} up to a cap of {@link #CAP_MS} or an eighth of the time left, whichever
 * is less, so that many containers refused at once spread their retries and a short deadline still gets several.
 */
final class Backoff {

    /** The first ceiling of the jitter. */
    static final long BASE_MS = 25;

    /** The highest ceiling of the jitter. */
    static final long CAP_MS = SECONDS.toMillis(1);

    /** The ceiling is at most this fraction of the time left (1/8). */
    static final int CAP_SHARE_OF_TIME_LEFT = 8;

    /** An attempt is not started with less time than this left: it could not finish. */
    static final long MIN_ATTEMPT_MS = 50;

    private Backoff() {}

    /**
     * The ceiling of the random wait before attempt {@code attempt + 1}: {@link #BASE_MS} doubled per attempt, capped
     * at {@link #CAP_MS} or an eighth of {@code timeLeftMs}, whichever is less.
     */
    static long ceilingMillis(int attempt, long timeLeftMs) {
        long cap = Math.max(BASE_MS, Math.min(CAP_MS, timeLeftMs / CAP_SHARE_OF_TIME_LEFT));
        return Math.min(cap, BASE_MS << Math.min(attempt, 20));
    }

    /** A random wait under {@link #ceilingMillis} (full jitter). */
    static long jitterMillis(int attempt, long timeLeftMs) {
        return ThreadLocalRandom.current().nextLong(ceilingMillis(attempt, timeLeftMs) + 1);
    }
}
