package dev.tether.lambda.link;

import static software.amazon.lambda.powertools.logging.argument.StructuredArguments.entry;

import com.mysql.cj.conf.PropertyKey;
import com.mysql.cj.jdbc.JdbcConnection;
import com.mysql.cj.jdbc.NonRegisteringDriver;
import dev.tether.lambda.link.LoginSource.Login;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.Executor;
import org.jooq.SQLDialect;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens one physical connection to the database with Connector/J, within a time limit that covers the TCP connect and
 * every read of the handshake, so that an attempt never outlasts the time the caller has. A failure comes back at
 * once, as the driver reports it: a refused login or a full server costs milliseconds, not a timeout.
 */
final class Connector {

    private static final Logger LOG = LoggerFactory.getLogger(Connector.class);

    /** Runs Connector/J's network-timeout change on the calling thread: it only sets the socket's timeout. */
    static final Executor ON_CALLER = Runnable::run;

    /** Statement texts whose parse Connector/J keeps per connection, and the longest text it keeps. */
    static final int PREPARED_TEXT_CACHE_ENTRIES = 64;

    static final int PREPARED_TEXT_CACHE_MAX_CHARS = 128 * 1024;

    /** Connector/J itself, asked directly: no DriverManager scan of the class path at the first connection. */
    private static final NonRegisteringDriver DRIVER = driver();

    private final String url;
    private final LoginSource logins;
    private final Properties base = new Properties();

    Connector(String url, LoginSource logins) {
        this.url = url;
        this.logins = logins;
        // Client-side binding: no server-side prepared statements (which pin an RDS Proxy connection).
        base.setProperty(PropertyKey.useServerPrepStmts.getKeyName(), "false");
        base.setProperty(PropertyKey.useLocalSessionState.getKeyName(), "true");
        // Connector/J parses a client-side statement's text on every prepare (about 0.3 ms for a 1,000-row insert);
        // cache that per connection. RepeatedRows keeps one text per row count within the same bounds, so the cache
        // holds each batch size Lambda sends. A text and its parse take about five bytes per character, so the cache
        // stays under 64 × 128 K × 5 ≈ 40 MB at worst, a few MB in practice. Longer texts are parsed each time.
        base.setProperty(PropertyKey.cachePrepStmts.getKeyName(), "true");
        base.setProperty(PropertyKey.prepStmtCacheSize.getKeyName(), String.valueOf(PREPARED_TEXT_CACHE_ENTRIES));
        base.setProperty(PropertyKey.prepStmtCacheSqlLimit.getKeyName(), String.valueOf(PREPARED_TEXT_CACHE_MAX_CHARS));
        // Not useLocalTransactionState: with it, Connector/J skips ROLLBACK when the server's in-transaction flag is
        // off, which it is after a failed first statement even though InnoDB holds the transaction (and its metadata
        // locks) open until the next one on this connection.
        base.setProperty(PropertyKey.tcpKeepAlive.getKeyName(), "true");
        base.setProperty(PropertyKey.characterEncoding.getKeyName(), "UTF-8");
    }

    /**
     * A new connection, in a transaction of its own (auto-commit off: a batch costs its statements plus COMMIT), with
     * no network timeout left on it. Throws the driver's exception when the server cannot be reached in
     * {@code timeoutMillis} or refuses the connection.
     */
    Connection open(long timeoutMillis) throws SQLException {
        Login login = logins.login();
        Properties properties = new Properties();
        properties.putAll(base);
        if (login.user() != null) {
            properties.setProperty(PropertyKey.USER.getKeyName(), login.user());
        }
        if (login.password() != null) {
            properties.setProperty(PropertyKey.PASSWORD.getKeyName(), login.password());
        }
        String timeout = String.valueOf(Math.max(1, timeoutMillis));
        properties.setProperty(PropertyKey.connectTimeout.getKeyName(), timeout);
        properties.setProperty(PropertyKey.socketTimeout.getKeyName(), timeout);
        Connection connection = DRIVER.connect(url, properties);
        if (connection == null) {
            throw new SQLException("Connector/J does not accept the URL in TETHER_DB_URL", "08001");
        }
        try {
            connection.setAutoCommit(false);
            connection.setNetworkTimeout(ON_CALLER, 0);
            return connection;
        } catch (SQLException | RuntimeException e) {
            closeQuietly(connection, e);
            throw e;
        }
    }

    /** Asks for the next login afresh (a rotated secret, a new IAM token). */
    void refreshLogin() {
        logins.refresh();
    }

    /** The largest packet the server accepts, as Connector/J learned it at connect ({@code max_allowed_packet}). */
    static int maxAllowedPacket(Connection connection) throws SQLException {
        return connection
                .unwrap(JdbcConnection.class)
                .getPropertySet()
                .getIntegerProperty(PropertyKey.maxAllowedPacket)
                .getValue();
    }

    /**
     * MYSQL unless the server announces itself as MariaDB (read from the handshake, no round trip): jOOQ's MYSQL
     * upsert syntax is one MariaDB rejects.
     */
    static SQLDialect dialectOf(Connection connection) throws SQLException {
        String version = connection.getMetaData().getDatabaseProductVersion();
        SQLDialect resolved =
                version != null && version.toLowerCase(Locale.ROOT).contains("mariadb")
                        ? SQLDialect.MARIADB
                        : SQLDialect.MYSQL;
        LOG.info("SQL dialect chosen from the server", entry("dialect", resolved.name()));
        return resolved;
    }

    /** The server's id of the connection ({@code CONNECTION_ID()}), from the handshake. */
    static long serverId(Connection connection) throws SQLException {
        return connection.unwrap(JdbcConnection.class).getId();
    }

    private static NonRegisteringDriver driver() {
        try {
            return new NonRegisteringDriver();
        } catch (SQLException e) {
            throw new IllegalStateException("Connector/J could not be loaded", e);
        }
    }

    static void closeQuietly(Connection connection, Throwable failure) {
        try {
            connection.close();
        } catch (SQLException | RuntimeException e) {
            if (failure != null) {
                failure.addSuppressed(e);
            }
        }
    }
}
