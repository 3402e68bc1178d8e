package dev.tether.lambda.link;

import java.sql.SQLException;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** What a link counts since init, for logs, metrics and load figures. Guarded by the link's lock. */
final class LinkCounters {

    /** MySQL/MariaDB errors of a full server or login: 1040 too many connections, 1203 and 1226 per-user limits. */
    private static final Set<Integer> LIMIT_ERRORS = Set.of(1040, 1203, 1226);

    long opened;
    long reconnects;
    long retries;
    long unavailable;
    long released;
    private final Map<String, Long> connectErrors = new TreeMap<>();

    /** A connection was opened. */
    void opened() {
        if (++opened > 1) {
            reconnects++;
        }
    }

    /**
     * Notes a failure to connect by the server's error code (or SQLState); true when it was a refusal for the
     * connection limit.
     */
    boolean connectFailed(Exception e) {
        SQLException sql = SqlFailures.innermostSql(e);
        String code = sql == null
                ? e.getClass().getSimpleName()
                : sql.getErrorCode() != 0 ? String.valueOf(sql.getErrorCode()) : "SQLState " + sql.getSQLState();
        connectErrors.merge(code, 1L, Long::sum);
        return sql != null && LIMIT_ERRORS.contains(sql.getErrorCode());
    }

    Map<String, Long> connectErrors() {
        return Map.copyOf(connectErrors);
    }
}
