package dev.tether.local;

import dev.tether.embedded.EmbeddedMariaDb;
import dev.tether.local.CommandLine.UsageException;
import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;
import org.jooq.SQLDialect;

/** The database a local tool runs on: the one its options name, else a fresh database on the embedded MariaDB. */
record LocalDatabase(String url, String user, String password, String where) {

    /** {@code url} with its login, or (url null) database {@code tether} recreated on the embedded server. */
    static LocalDatabase of(String url, String user, String password, PrintStream console) {
        if (url != null) {
            return new LocalDatabase(url, user, password, url.replaceFirst("\\?.*", ""));
        }
        console.println("Starting an embedded MariaDB...");
        EmbeddedMariaDb db = EmbeddedMariaDb.shared();
        db.recreateDatabase("tether");
        String embedded = db.jdbcUrl("tether");
        return new LocalDatabase(
                embedded, db.user(), db.password(), embedded + "  (data in " + db.dataDirectory() + ")");
    }

    /** {@code --db-dialect} (or TETHER_DB_DIALECT): MYSQL for a database of one's own, MARIADB for the embedded one. */
    static SQLDialect dialect(CommandLine line, Map<String, String> env, String dbUrl) throws UsageException {
        String name = line.text("--db-dialect", env.get("TETHER_DB_DIALECT"));
        if (name == null) {
            return dbUrl != null ? SQLDialect.MYSQL : SQLDialect.MARIADB;
        }
        if (name.equalsIgnoreCase("MYSQL") || name.equalsIgnoreCase("MARIADB")) {
            return SQLDialect.valueOf(name.toUpperCase(Locale.ROOT));
        }
        throw new UsageException("--db-dialect must be MYSQL or MARIADB; got '" + name + "'");
    }

    /** {@code --batch-size}: 1 to 10,000, the most an SQS event source mapping sends. */
    static int batchSize(CommandLine line, int fallback) throws UsageException {
        int batchSize = line.integer("--batch-size", fallback, 1);
        if (batchSize > 10_000) {
            throw new UsageException("--batch-size must be at most 10000 (the most an SQS event source sends)");
        }
        return batchSize;
    }
}
