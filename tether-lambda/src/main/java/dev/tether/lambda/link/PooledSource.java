package dev.tether.lambda.link;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Where HikariCP gets its connections: Tether's {@link Connector}, each attempt bounded by
 * {@link DatabaseLink#CONNECT_TIMEOUT_MS}. The pool calls it from its own thread when an invocation waits for a
 * connection. While one still waits, a refused or failed attempt (the connection limit, a server restarting) is tried
 * again after a full-jitter backoff ({@link Backoff#BASE_MS} doubling to {@link Backoff#CAP_MS} or an eighth of the
 * time the waiting invocations have left, whichever is less), so that environments
 * refused at once spread their retries and one gets in as soon as a connection frees up; each waiting invocation
 * gives up at its own deadline. Every attempt, good or bad, is reported to the link.
 */
final class PooledSource extends LinkDataSource {

    /** What the link learns of each attempt, and whether anybody still waits for a connection. */
    interface Attempts {
        void opened(Connection connection) throws SQLException;

        /** Returns true when the failure was a refusal for the connection limit. */
        boolean failed(Exception failure);

        /** Whether an invocation still waits for a connection (else a failed attempt is not tried again here). */
        boolean wanted();

        /** The time the waiting invocation with the most time has left, in milliseconds. */
        long timeLeftMillis();
    }

    private final Connector connector;
    private final Attempts attempts;

    PooledSource(Connector connector, Attempts attempts) {
        this.connector = connector;
        this.attempts = attempts;
    }

    @Override
    public Connection getConnection() throws SQLException {
        for (int attempt = 0; ; attempt++) {
            Connection connection;
            try {
                connection = connector.open(DatabaseLink.CONNECT_TIMEOUT_MS);
            } catch (SQLException | RuntimeException e) {
                attempts.failed(e);
                if (!SqlFailures.isConnectionFailure(e) || !attempts.wanted()) {
                    throw e;
                }
                pause(attempt, attempts.timeLeftMillis());
                continue;
            }
            if (!attempts.wanted()) {
                // The invocation that waited gave up meanwhile: an idle connection nobody asked for would hold one of
                // the login's slots that another environment may be waiting for.
                Connector.closeQuietly(connection, null);
                throw new SQLException("connected after every waiting invocation gave up", "08001");
            }
            try {
                attempts.opened(connection);
            } catch (SQLException | RuntimeException e) {
                Connector.closeQuietly(connection, e);
                throw e;
            }
            return connection;
        }
    }

    /** Full jitter under a ceiling that doubles from {@link Backoff#BASE_MS}, capped as {@link Backoff} caps it. */
    private static void pause(int attempt, long timeLeftMillis) throws SQLException {
        try {
            Thread.sleep(Backoff.jitterMillis(attempt, timeLeftMillis));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLException("interrupted while waiting to connect again", "08001", e);
        }
    }

    /** What one attempt takes at most, in seconds (the pool waits that long for an attempt when it shuts down). */
    @Override
    public int getLoginTimeout() {
        return (int) Math.max(1, DatabaseLink.CONNECT_TIMEOUT_MS / 1000);
    }
}
