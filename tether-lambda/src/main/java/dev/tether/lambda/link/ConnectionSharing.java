package dev.tether.lambda.link;

import static java.util.concurrent.TimeUnit.SECONDS;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * When a container gives its connection up at the end of an invocation so that more containers than the database
 * has connections for take turns instead of starving. A container that was refused for the connection limit and
 * waited {@link #SHARE_AFTER_WAIT_MS} or more (or gave up) releases after every invocation for the next
 * {@link #SHARE_AFTER_REFUSAL_MS}; a container holding its connection checks, at most every
 * {@link #USAGE_CHECK_INTERVAL_MS}, whether its login is at its connection limit (the account's
 * {@code max_user_connections}, else the server's {@code max_connections}) and releases once when it is. With the
 * connection budget right, neither happens and the connection stays.
 *
 * <p>The check counts the login's sessions, which the server does by walking its session list: with 400 sessions
 * connected it cost 30 times a primary-key read (docs/PERFORMANCE.md), and no signal of "the login is at its limit"
 * is cheaper on both MySQL and MariaDB without privileges (the environments refused have no connection to say so).
 * So the interval between checks grows with the sessions the last check counted ({@link #CHECK_MS_PER_SESSION} each,
 * at least {@link #USAGE_CHECK_INTERVAL_MS}): every environment's share of the server's work stays constant however
 * many of them there are, instead of growing with the fleet. Safe for concurrent invocations: synchronised.
 */
final class ConnectionSharing {

    /** How long a container that had to wait for the connection limit keeps releasing after each invocation. */
    static final long SHARE_AFTER_REFUSAL_MS = SECONDS.toMillis(30);

    /** A wait shorter than this for the limit is a blip, not contention: no sharing. */
    static final long SHARE_AFTER_WAIT_MS = 200;

    /** How often, at most, a link holding its connection checks whether its login has reached its connection limit. */
    static final long USAGE_CHECK_INTERVAL_MS = SECONDS.toMillis(2);

    /** The interval between checks grows by this for each session the last check counted (400 sessions: 8 s). */
    static final long CHECK_MS_PER_SESSION = 20;

    /**
     * The login's own connections and its limits, in one unprivileged query: a login sees its own threads in the
     * process list; the session's {@code max_user_connections} is the account's own limit where it has one.
     */
    private static final String USAGE = "SELECT COUNT(*), @@max_user_connections, @@max_connections"
            + " FROM information_schema.PROCESSLIST WHERE USER = SUBSTRING_INDEX(CURRENT_USER(), '@', 1)";

    private long shareUntilMillis;
    private long nextUsageCheckMillis;
    private long checkIntervalMillis = USAGE_CHECK_INTERVAL_MS;

    /** The limit refused this container for {@code waitedMillis} before it got (or gave up on) a connection. */
    synchronized void refused(long waitedMillis, boolean gaveUp) {
        if (gaveUp || waitedMillis >= SHARE_AFTER_WAIT_MS) {
            shareUntilMillis = System.currentTimeMillis() + SHARE_AFTER_REFUSAL_MS;
        }
    }

    /** What to do with the connection at the end of an invocation. */
    enum Decision {
        /** Give it up. */
        RELEASE,
        /** Keep it. */
        KEEP,
        /** Ask the server whether the login is at its limit ({@link #atLimit}). */
        ASK
    }

    /** The decision at the end of an invocation, without a round trip. */
    synchronized Decision decide() {
        long now = System.currentTimeMillis();
        if (now < shareUntilMillis) {
            return Decision.RELEASE;
        }
        if (now < nextUsageCheckMillis) {
            return Decision.KEEP;
        }
        nextUsageCheckMillis = now + checkIntervalMillis;
        return Decision.ASK;
    }

    /**
     * Whether this environment should hold no more than one connection now: it was refused for the limit lately, or
     * its login was found at its limit. An environment of many invocations at once (Lambda Managed Instances) then
     * gives up every connection but one as its transactions end, so that environments left without any get in.
     */
    synchronized boolean shedding() {
        return System.currentTimeMillis() < shareUntilMillis;
    }

    /** The login was found at its limit: share for a while, as after a refusal. */
    synchronized void atLimitFound() {
        shareUntilMillis = Math.max(shareUntilMillis, System.currentTimeMillis() + SHARE_AFTER_REFUSAL_MS);
    }

    /** A check counted {@code sessions} of the login: the next one waits in proportion. */
    synchronized void counted(long sessions) {
        checkIntervalMillis = Math.max(USAGE_CHECK_INTERVAL_MS, sessions * CHECK_MS_PER_SESSION);
        nextUsageCheckMillis = System.currentTimeMillis() + checkIntervalMillis;
    }

    /** Whether the login of {@code connection} holds as many connections as it may; one query. */
    boolean atLimit(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet usage = statement.executeQuery(USAGE)) {
            usage.next();
            long used = usage.getLong(1);
            long userLimit = usage.getLong(2);
            long serverLimit = usage.getLong(3);
            counted(used);
            return used >= (userLimit > 0 ? userLimit : serverLimit);
        }
    }
}
