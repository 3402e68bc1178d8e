package dev.tether.schema;

import dev.tether.lambda.link.Migrations;
import javax.sql.DataSource;

/**
 * Applies the example application's Flyway migrations ({@code classpath:db/migration}, history
 * {@code flyway_schema_history}) and then tether-lambda's own ({@link Migrations}, history
 * {@code tether_schema_history}) to a database: what a handler does at init, as a deploy step for a deployment that
 * runs its handlers with {@code TETHER_DB_MIGRATE=false} and a login that may not create tables.
 *
 * <p>Every migration is written with {@code CREATE TABLE IF NOT EXISTS}, and a schema that already holds the
 * tables but no Flyway history is baselined at version 0 and then migrated, so the same call works on an empty
 * database, a Flyway-managed one and one that was created by hand from the same files.
 */
public final class TetherSchema {

    /** Where the migrations live on the classpath. */
    public static final String LOCATION = "classpath:db/migration";

    private TetherSchema() {}

    /**
     * The application's migrations, read from this jar alone (another application's {@code db/migration} on the
     * same class path is never mixed in), then Tether's: what the example handlers apply at init.
     */
    public static Migrations migrations() {
        return Migrations.inJarOf(TetherSchema.class, LOCATION);
    }

    /** Applies every pending migration; returns how many were applied. */
    public static int migrate(DataSource dataSource) {
        return migrations().apply(dataSource);
    }

    /** Applies every pending migration to the database at {@code url}. */
    public static int migrate(String url, String user, String password) {
        return migrations().apply(url, user, password);
    }

    static final String USAGE = """
            usage: java -cp processor/target/processor.jar dev.tether.schema.TetherSchema
            Applies the pending Flyway migrations to the database named by TETHER_DB_URL (a jdbc:mysql:// URL),
            logging in as TETHER_DB_USER with TETHER_DB_PASSWORD. Takes no options.""";

    /**
     * A deploy step: {@code java -cp processor.jar dev.tether.schema.TetherSchema} migrates the database named by
     * {@code TETHER_DB_URL}, {@code TETHER_DB_USER} and {@code TETHER_DB_PASSWORD}. {@code --help} prints the usage;
     * any other argument is refused before anything is done.
     */
    public static void main(String[] args) {
        if (args.length == 1 && (args[0].equals("--help") || args[0].equals("-h"))) {
            System.out.println(USAGE);
            return;
        }
        if (args.length > 0) {
            System.err.println((args[0].startsWith("-") ? "unknown option " : "unexpected argument ") + args[0]);
            System.err.println(USAGE);
            System.exit(2);
        }
        String url = System.getenv("TETHER_DB_URL");
        if (url == null || url.isBlank()) {
            System.err.println("TETHER_DB_URL is required (a jdbc:mysql:// URL)");
            System.exit(2);
        }
        int applied = migrate(url, System.getenv("TETHER_DB_USER"), System.getenv("TETHER_DB_PASSWORD"));
        System.out.println("migrations applied: " + applied);
    }
}
