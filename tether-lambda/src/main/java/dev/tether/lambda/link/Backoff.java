package dev.tether.lambda.link;

import static java.util.concurrent.TimeUnit.SECONDS;
import static software.amazon.lambda.powertools.logging.argument.StructuredArguments.entry;

import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The wait between connection attempts: exponential with full jitter ("Exponential Backoff And Jitter", AWS
 * Architecture Blog), from {@link #BASE_MS} up to a cap of {@link #CAP_MS} or an eighth of the time left, whichever
 * is less, so that many containers refused at once spread their retries and a short deadline still gets several.
 */
final class Backoff {

    private static final Logger LOG = LoggerFactory.getLogger(Backoff.class);

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
     * Sleeps before attempt {@code attempt + 1}, or throws {@link LinkUnavailableException} when no attempt fits in
     * {@code timeLeftMs}.
     */
    static void pause(int attempt, long timeLeftMs, Exception cause) {
        long latest = timeLeftMs - MIN_ATTEMPT_MS;
        if (latest < 0) {
            throw new LinkUnavailableException(
                    "database unavailable until the invocation's deadline (" + (attempt + 1) + " attempts): "
                            + SqlFailures.describe(cause),
                    cause);
        }
        long cap = Math.max(BASE_MS, Math.min(CAP_MS, latest / CAP_SHARE_OF_TIME_LEFT));
        long ceiling = Math.min(cap, BASE_MS << Math.min(attempt, 20));
        long sleep = Math.min(latest, ThreadLocalRandom.current().nextLong(ceiling + 1));
        if (attempt == 0) {
            LOG.info("database unavailable; backing off", entry("reason", SqlFailures.describe(cause)));
        }
        try {
            Thread.sleep(sleep);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LinkUnavailableException("interrupted while waiting for the database", cause);
        }
    }
}
