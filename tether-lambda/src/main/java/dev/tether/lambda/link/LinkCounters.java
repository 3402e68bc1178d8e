package dev.tether.lambda.link;

import java.sql.SQLException;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What a link counts since init, for logs, metrics and load figures: the environment's totals, updated by every
 * invocation and by the pool's own thread, so every method is synchronised.
 */
final class LinkCounters {

    /** MySQL/MariaDB errors of a full server or login: 1040 too many connections, 1203 and 1226 per-user limits. */
    private static final Set<Integer> LIMIT_ERRORS = Set.of(1040, 1203, 1226);

    private long opened;
    private long reconnects;
    private long retries;
    private long unavailable;
    private long released;
    private long limitRefusals;
    private final Map<String, Long> connectErrors = new TreeMap<>();

    /** A connection was opened. */
    synchronized void opened() {
        if (++opened > 1) {
            reconnects++;
        }
    }

    /**
     * Notes a failure to connect by the server's error code (or SQLState); true when it was a refusal for the
     * connection limit.
     */
    synchronized boolean connectFailed(Exception e) {
        SQLException sql = SqlFailures.innermostSql(e);
        String code = sql == null
                ? e.getClass().getSimpleName()
                : sql.getErrorCode() != 0 ? String.valueOf(sql.getErrorCode()) : "SQLState " + sql.getSQLState();
        connectErrors.merge(code, 1L, Long::sum);
        boolean limit = sql != null && LIMIT_ERRORS.contains(sql.getErrorCode());
        if (limit) {
            limitRefusals++;
        }
        return limit;
    }

    synchronized void retried() {
        retries++;
    }

    synchronized void gaveUp() {
        unavailable++;
    }

    synchronized void released() {
        released++;
    }

    synchronized long openedCount() {
        return opened;
    }

    synchronized long reconnects() {
        return reconnects;
    }

    synchronized long retries() {
        return retries;
    }

    synchronized long unavailable() {
        return unavailable;
    }

    synchronized long releasedCount() {
        return released;
    }

    synchronized long limitRefusals() {
        return limitRefusals;
    }

    synchronized Map<String, Long> connectErrors() {
        return Map.copyOf(connectErrors);
    }
}
