package dev.tether.lambda.link;

import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientConnectionException;
import java.util.Set;

/** Tells failures of the connection itself (worth a new connection) from failures of the data (worth isolating). */
public final class SqlFailures {

    /**
     * MySQL/MariaDB error codes that mean the session is gone or never existed: 1040 too many connections, 1045 access
     * denied, 1053 server
     * shutdown, 1203 and 1226 max_user_connections (global, per account), 1927 connection killed (MariaDB), 2002/2003 cannot connect, 2006 server has
     * gone away, 2013 lost connection during query, 4031 disconnected by the server for inactivity (MySQL 8.0.24+).
     */
    private static final Set<Integer> CONNECTION_ERROR_CODES =
            Set.of(1040, 1045, 1053, 1203, 1226, 1927, 2002, 2003, 2006, 2013, 4031);

    private SqlFailures() {}

    /**
     * True when {@code failure} (or any of its causes) says the connection failed, not the statement: the link could
     * not be had in time ({@link LinkUnavailableException}), or the driver reports a failure of the session.
     */
    public static boolean isConnectionFailure(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof LinkUnavailableException
                    || t instanceof SQLTransientConnectionException
                    || t instanceof SQLNonTransientConnectionException
                    || t instanceof SQLRecoverableException) {
                return true;
            }
            if (t instanceof SQLException sql) {
                String state = sql.getSQLState();
                if ((state != null && state.startsWith("08")) || CONNECTION_ERROR_CODES.contains(sql.getErrorCode())) {
                    return true;
                }
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }

    /** True when {@code failure} (or any of its causes) is the link giving up: no connection in the time left. */
    public static boolean isLinkUnavailable(Throwable failure) {
        for (Throwable t = failure; t != null && t.getCause() != t; t = t.getCause()) {
            if (t instanceof LinkUnavailableException) {
                return true;
            }
        }
        return false;
    }

    /** True when the server refused the login (error 1045): a wrong password, or a rotated one. */
    public static boolean isAccessDenied(Throwable failure) {
        for (Throwable t = failure; t != null && t.getCause() != t; t = t.getCause()) {
            if (t instanceof SQLException sql && (sql.getErrorCode() == 1045 || "28000".equals(sql.getSQLState()))) {
                return true;
            }
        }
        return false;
    }

    /** True when {@code failure} is a deadlock: InnoDB rolled the transaction back, and the same work may succeed. */
    public static boolean isDeadlock(Throwable failure) {
        for (Throwable t = failure; t != null && t.getCause() != t; t = t.getCause()) {
            if (t instanceof SQLException sql && (sql.getErrorCode() == 1213 || "40001".equals(sql.getSQLState()))) {
                return true;
            }
        }
        return false;
    }

    /** The innermost SQL exception among {@code failure} and its causes, or null. */
    public static SQLException innermostSql(Throwable failure) {
        SQLException innermost = null;
        for (Throwable t = failure; t != null && t.getCause() != t; t = t.getCause()) {
            if (t instanceof SQLException sql) {
                innermost = sql;
            }
        }
        return innermost;
    }

    /**
     * A short description of a failure for logs: the innermost SQL error's state, code and message (the driver's
     * words, which name a key or a column but not the statement and its values), else the innermost message.
     */
    public static String describe(Throwable failure) {
        SQLException innermostSql = innermostSql(failure);
        Throwable innermost = failure;
        for (Throwable t = failure; t != null && t.getCause() != t; t = t.getCause()) {
            innermost = t;
        }
        String text = innermostSql != null
                ? "SQLState " + innermostSql.getSQLState() + ", error " + innermostSql.getErrorCode() + ": "
                        + innermostSql.getMessage()
                : innermost.getClass().getSimpleName() + ": " + innermost.getMessage();
        return text.length() <= 300 ? text : text.substring(0, 300) + "…";
    }
}
