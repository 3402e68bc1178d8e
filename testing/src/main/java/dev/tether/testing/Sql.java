package dev.tether.testing;

import dev.tether.testing.TestDatabase.Database;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** Plain JDBC for arranging and asserting on a test database: rows come back as {@code a|b|c} strings. */
public final class Sql {

    private Sql() {}

    /** Runs {@code statements} on a fresh connection, in autocommit. */
    public static void execute(Database database, String... statements) {
        try (Connection connection = database.connect();
                Statement statement = connection.createStatement()) {
            for (String s : statements) {
                statement.execute(s);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The rows of {@code query}, each as its columns joined by {@code |}. */
    public static List<String> rows(Database database, String query) {
        try (Connection connection = database.connect()) {
            return rows(connection, query);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The rows of {@code query} on {@code connection}. */
    public static List<String> rows(Connection connection, String query) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery(query)) {
            List<String> rows = new ArrayList<>();
            int columns = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                StringBuilder row = new StringBuilder();
                for (int c = 1; c <= columns; c++) {
                    row.append(c > 1 ? "|" : "").append(rs.getString(c));
                }
                rows.add(row.toString());
            }
            return rows;
        }
    }

    /** The single value of {@code query}, as a long. */
    public static long number(Database database, String query) {
        return Long.parseLong(rows(database, query).get(0));
    }

    /**
     * The statements the server received on connection {@code connectionId} while {@code action} ran, read from
     * the server's general query log (switched on for the duration; it records what the client sent, exactly).
     */
    public static List<String> statementsOn(Database database, long connectionId, Runnable action) {
        execute(
                database,
                "SET GLOBAL log_output = 'TABLE'",
                "TRUNCATE TABLE mysql.general_log",
                "SET GLOBAL general_log = 1");
        try {
            action.run();
        } finally {
            execute(database, "SET GLOBAL general_log = 0");
        }
        return rows(
                database,
                "SELECT argument FROM mysql.general_log WHERE command_type = 'Query' AND thread_id = " + connectionId
                        + " ORDER BY event_time");
    }
}
