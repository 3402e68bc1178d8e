package dev.tether.lambda.link;

import static software.amazon.lambda.powertools.logging.argument.StructuredArguments.entry;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Flyway migrations a link applies at init ({@code TETHER_DB_MIGRATE}, on by default): the application's, from
 * its own locations with Flyway's default history table {@code flyway_schema_history}, then Tether's own (its
 * idempotency table) with their own history table {@link #TETHER_HISTORY_TABLE}, so that an application's
 * {@code V1__…}, {@code V2__…} never collide with Tether's.
 *
 * <p>Both start from a baseline at version 0 when the schema already holds tables but no history of theirs (a
 * database the other set migrated first, or one created by hand from the same files): every migration is
 * idempotent ({@code CREATE TABLE IF NOT EXISTS}), so it then applies harmlessly. A database that Flyway alone
 * migrated from the application's files is therefore served as is, and gets Tether's table on the first start.
 */
public final class Migrations {

    /** Where Tether's own migrations live on the classpath. */
    public static final String TETHER_LOCATION = "classpath:dev/tether/lambda/migration";

    /** Tether's own Flyway history table. */
    public static final String TETHER_HISTORY_TABLE = "tether_schema_history";

    /** Tether's own table. */
    static final String TETHER_TABLE = "idempotency_records";

    private static final Logger LOG = LoggerFactory.getLogger(Migrations.class);

    /** The application's migrations where Flyway looks by default. */
    public static final String DEFAULT_LOCATION = "classpath:db/migration";

    private final List<String> locations;

    /** The jar (or class folder) the application's locations are read from; null: the whole class path. */
    private final URL onlyIn;

    private Migrations(List<String> locations, URL onlyIn) {
        this.locations = List.copyOf(locations);
        this.onlyIn = onlyIn;
    }

    /** The application's migrations at {@code locations} (Flyway's syntax), then Tether's. */
    public static Migrations of(String... locations) {
        if (locations.length == 0) {
            throw new IllegalArgumentException("name at least one location, or use Migrations.tetherOnly()");
        }
        return new Migrations(Arrays.asList(locations), null);
    }

    /**
     * The application's SQL migrations at {@code locations}, read only from the jar (or class folder) that holds
     * {@code anchor}, then Tether's: another application's {@code db/migration} on the same class path (a test or
     * benchmark class path that holds two applications, a shaded jar of several) is never mixed in.
     */
    public static Migrations inJarOf(Class<?> anchor, String... locations) {
        if (locations.length == 0) {
            throw new IllegalArgumentException("name at least one location, or use Migrations.tetherOnly()");
        }
        URL jar = anchor.getProtectionDomain().getCodeSource() == null
                ? null
                : anchor.getProtectionDomain().getCodeSource().getLocation();
        if (jar == null) {
            throw new IllegalArgumentException(
                    anchor.getName() + " has no jar or class folder to read migrations from");
        }
        return new Migrations(Arrays.asList(locations), jar);
    }

    /** The application's migrations at {@code classpath:db/migration}, then Tether's. */
    public static Migrations defaults() {
        return of(DEFAULT_LOCATION);
    }

    /** Tether's own migrations only: the application manages its schema itself. */
    public static Migrations tetherOnly() {
        return new Migrations(List.of(), null);
    }

    /** The application's locations. */
    public List<String> locations() {
        return locations;
    }

    /** Applies every pending migration, the application's then Tether's; returns how many ran. */
    public int apply(DataSource dataSource) {
        return apply(configuration -> configuration.dataSource(dataSource));
    }

    /** Applies every pending migration to the database at {@code url}. */
    public int apply(String url, String user, String password) {
        // A data source of Connector/J's own: Flyway would look for a driver through the class loader it scans,
        // which for migrations read from one jar holds no driver.
        com.mysql.cj.jdbc.MysqlDataSource dataSource = new com.mysql.cj.jdbc.MysqlDataSource();
        dataSource.setUrl(url);
        dataSource.setUser(user);
        dataSource.setPassword(password);
        return apply(dataSource);
    }

    private int apply(UnaryOperator<FluentConfiguration> connect) {
        ClassLoader loader = Thread.currentThread().getContextClassLoader() != null
                ? Thread.currentThread().getContextClassLoader()
                : Migrations.class.getClassLoader();
        int applied = 0;
        if (!locations.isEmpty()) {
            try (URLClassLoader only = onlyIn == null ? null : new URLClassLoader(new URL[] {onlyIn}, null)) {
                applied += connect.apply(configure(only != null ? only : loader))
                        .locations(locations.toArray(String[]::new))
                        .load()
                        .migrate()
                        .migrationsExecuted;
            } catch (IOException e) {
                throw new UncheckedIOException("closing the class loader of the migrations failed", e);
            }
        }
        Flyway tether = connect.apply(configure(loader))
                .locations(TETHER_LOCATION)
                .table(TETHER_HISTORY_TABLE)
                .load();
        try {
            applied += tether.migrate().migrationsExecuted;
        } catch (FlywayException e) {
            if (!deniedWithTablesPresent(e, tether)) {
                throw e;
            }
            // A least-privilege login on a database migrated at deploy time (by the application's own files, which
            // created the same table): everything Tether needs is there, only its history could not be written.
            LOG.warn(
                    "Tether's own migration history could not be created with this login; its tables are present,"
                            + " so the link goes on. Apply the migrations once with a login that may create tables",
                    entry(
                            "reason",
                            String.valueOf(e.getMessage()).lines().findFirst().orElse("")));
        }
        return applied;
    }

    /** Whether {@code e} is a refused CREATE (MySQL 1142, 1044) while every table of Tether's already exists. */
    private static boolean deniedWithTablesPresent(FlywayException e, Flyway flyway) {
        SQLException sql = SqlFailures.innermostSql(e);
        if (sql == null || sql.getErrorCode() != 1142 && sql.getErrorCode() != 1044) {
            return false;
        }
        try (Connection connection = flyway.getConfiguration().getDataSource().getConnection();
                PreparedStatement statement =
                        connection.prepareStatement("SELECT COUNT(*) FROM information_schema.TABLES"
                                + " WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?")) {
            statement.setString(1, TETHER_TABLE);
            try (ResultSet result = statement.executeQuery()) {
                return result.next() && result.getLong(1) == 1;
            }
        } catch (SQLException | RuntimeException failure) {
            e.addSuppressed(failure);
            return false;
        }
    }

    private static FluentConfiguration configure(ClassLoader loader) {
        return Flyway.configure(loader).baselineOnMigrate(true).baselineVersion("0");
    }
}
