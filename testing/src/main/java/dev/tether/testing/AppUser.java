package dev.tether.testing;

import dev.tether.testing.TestDatabase.Database;
import java.util.List;

/** A login with the rights the Lambda role gets on one database, and no more: what fault tests limit and break. */
public record AppUser(Database database, String name, String password) {

    /** Creates (or recreates) {@code name} with {@code password}, allowed to read and write {@code database}. */
    public static AppUser create(Database database, String name, String password) {
        for (String host : List.of("%", "localhost")) {
            Sql.execute(
                    database,
                    "DROP USER IF EXISTS '" + name + "'@'" + host + "'",
                    "CREATE USER '" + name + "'@'" + host + "' IDENTIFIED BY '" + password + "'",
                    "GRANT SELECT, INSERT, UPDATE, DELETE ON " + database.name() + ".* TO '" + name + "'@'" + host
                            + "'");
        }
        return new AppUser(database, name, password);
    }

    /** Limits the connections this login may hold at once (0: no limit of its own). */
    public void maxConnections(int limit) {
        for (String host : List.of("%", "localhost")) {
            Sql.execute(database, "ALTER USER '" + name + "'@'" + host + "' WITH MAX_USER_CONNECTIONS " + limit);
        }
    }

    /** How many connections this login holds now. */
    public long connections() {
        return Sql.number(database, "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE USER = '" + name + "'");
    }
}
