package dev.tether.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What the connection-sharing check costs the server when many sessions are connected: each candidate query timed
 * against a primary-key read of one row, with {@link #SESSIONS} sessions of the same login open, as a fleet of
 * environments would hold them.
 */
final class ConnectionCheckCost {

    static final int SESSIONS = 400;

    private static final int RUNS = 2_000;

    /** The check as the link ran it before pools: the login's sessions counted in the process list. */
    static final String PROCESSLIST = "SELECT COUNT(*), @@max_user_connections, @@max_connections"
            + " FROM information_schema.PROCESSLIST WHERE USER = SUBSTRING_INDEX(CURRENT_USER(), '@', 1)";

    /** The server's connection count, one status variable. */
    static final String THREADS_CONNECTED =
            "SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME = 'THREADS_CONNECTED'";

    /** The limits alone: session variables, no table. */
    static final String LIMITS = "SELECT @@max_user_connections, @@max_connections";

    private ConnectionCheckCost() {}

    /** Microseconds per run of each query, and of the primary-key read, with {@link #SESSIONS} sessions open. */
    static Map<String, Double> measure(String url, String user, String password) throws SQLException {
        List<Connection> sessions = new ArrayList<>();
        try (Connection admin = DriverManager.getConnection(url, user, password)) {
            try (Statement s = admin.createStatement()) {
                s.execute("SET GLOBAL max_connections = " + (SESSIONS + 100));
                s.execute("CREATE TABLE IF NOT EXISTS check_cost (id BIGINT PRIMARY KEY, v BIGINT NOT NULL)");
                s.execute("INSERT IGNORE INTO check_cost VALUES (1, 1)");
            }
            for (int i = 0; i < SESSIONS; i++) {
                sessions.add(DriverManager.getConnection(url, user, password));
            }
            Map<String, Double> micros = new LinkedHashMap<>();
            // Twice: the first pass warms caches and the JIT, the second is reported.
            for (int pass = 0; pass < 2; pass++) {
                micros.put("primary-key read", time(admin, "SELECT v FROM check_cost WHERE id = 1"));
                micros.put("process list count (the check before pools)", time(admin, PROCESSLIST));
                micros.put("global status Threads_connected", time(admin, THREADS_CONNECTED));
                micros.put("session variables only", time(admin, LIMITS));
            }
            return micros;
        } finally {
            for (Connection session : sessions) {
                session.close();
            }
        }
    }

    private static double time(Connection connection, String sql) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            long started = System.nanoTime();
            for (int i = 0; i < RUNS; i++) {
                try (ResultSet rows = statement.executeQuery()) {
                    rows.next();
                }
            }
            return (System.nanoTime() - started) / 1e3 / RUNS;
        }
    }

    /** The section of the report. */
    static String markdown(Map<String, Double> micros) {
        double pk = micros.get("primary-key read");
        StringBuilder md = new StringBuilder("\n## The connection-sharing check with ")
                .append(SESSIONS)
                .append(" sessions connected\n\n")
                .append("Each query run ")
                .append(RUNS)
                .append(" times over loopback on one connection while ")
                .append(SESSIONS)
                .append(" other sessions of the same login are open; time per run, which is the server's work plus"
                        + " one round trip.\n\n| query | µs per run | vs primary-key read |\n|---|---|---|\n");
        micros.forEach((name, value) ->
                md.append(String.format(Locale.ROOT, "| %s | %.1f | %.2f× |%n", name, value, value / pk)));
        return md.toString();
    }

    public static void main(String[] args) throws Exception {
        dev.tether.embedded.EmbeddedMariaDb db = dev.tether.embedded.EmbeddedMariaDb.shared();
        db.recreateDatabase("tether_check_cost");
        System.out.println(markdown(measure(db.jdbcUrl("tether_check_cost"), db.user(), db.password())));
        System.exit(0);
    }
}
