package dev.tether.processor.link;

import static java.util.concurrent.TimeUnit.MINUTES;
import static java.util.concurrent.TimeUnit.SECONDS;
import static software.amazon.lambda.powertools.logging.argument.StructuredArguments.entry;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariCredentialsProvider;
import com.zaxxer.hikari.HikariDataSource;
import dev.tether.processor.config.CredentialSettings;
import dev.tether.processor.config.TetherConfig;
import dev.tether.schema.TetherSchema;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.ThreadLocalRandom;
import org.crac.Context;
import org.crac.Core;
import org.crac.Resource;
import org.jooq.SQLDialect;
import org.jooq.TransactionalCallable;
import org.jooq.conf.Settings;
import org.jooq.impl.DSL;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The container's one database connection: a HikariCP pool of exactly one, opened at init and reused by every
 * invocation while the container lives, with a jOOQ {@link DSLContext} on it.
 *
 * <p>Lambda runs one invocation at a time per container, so one connection is all a container can use; more would
 * only spend the database's connection budget. See "Using database connections with Lambda" in the AWS Lambda docs.
 *
 * <p>What the link survives:
 * <ul>
 *   <li>a connection that died while the container was frozen (idle timeout, failover, restart, a NAT dropping the
 *       flow): HikariCP tests a connection idle for more than half a second before lending it, and a transaction
 *       that still fails on the connection itself is retried once on a new one (it never committed, so nothing
 *       is applied twice);
 *   <li>a database that refuses connections ("Too many connections" 1040, {@code max_user_connections} 1203) or is
 *       briefly down: connecting backs off with full jitter until the invocation's deadline, then gives up with
 *       {@link LinkUnavailableException}, which fails the batch as a whole for redelivery;
 *   <li>a database that is down when the container starts: init does not fail; the link connects (and migrates) at
 *       the first batch;
 *   <li>a SnapStart snapshot: a CRaC resource closes the pool before the checkpoint and opens a new one after the
 *       restore, so no restored container shares a connection with another.
 * </ul>
 */
public final class DatabaseLink implements AutoCloseable {

    static {
        // jOOQ prints a banner and a tip on first use; neither belongs in a Lambda log.
        System.setProperty("org.jooq.no-logo", "true");
        System.setProperty("org.jooq.no-tips", "true");
        // HikariCP pings a connection idle for more than half a second before lending it: in Lambda that is a round
        // trip on nearly every invocation. A dead connection is already handled (the transaction fails on it and is
        // retried once on a new one), so ping only connections idle for a minute or more.
        if (System.getProperty("com.zaxxer.hikari.aliveBypassWindowMs") == null) {
            System.setProperty("com.zaxxer.hikari.aliveBypassWindowMs", String.valueOf(MINUTES.toMillis(1)));
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(DatabaseLink.class);

    /** How long one attempt to get the connection may wait, connecting included. */
    private static final long CONNECTION_TIMEOUT_MS = SECONDS.toMillis(2);

    /** Connector/J's TCP connect timeout. */
    private static final long CONNECT_TIMEOUT_MS = SECONDS.toMillis(2);

    /** Retire the connection after this long, so server-side idle limits and failovers never see a stale one. */
    private static final long MAX_LIFETIME_MS = MINUTES.toMillis(30);

    /** Statement texts whose parse Connector/J keeps per connection, and the longest text it keeps. */
    public static final int PREPARED_TEXT_CACHE_ENTRIES = 64;

    public static final int PREPARED_TEXT_CACHE_MAX_CHARS = 128 * 1024;

    /** Full-jitter backoff between connection attempts: base and cap ("Exponential Backoff And Jitter", AWS). */
    private static final long BACKOFF_BASE_MS = 50;

    private static final long BACKOFF_CAP_MS = SECONDS.toMillis(2);

    private final TetherConfig config;
    private final HikariCredentialsProvider credentials;
    private final ConnectionTracker connections = new ConnectionTracker();
    private final Settings settings = jooqSettings();
    private volatile SQLDialect dialect;
    private final Resource snapshotHook = new SnapshotHook();
    private volatile HikariDataSource dataSource;
    private boolean migrated;
    private long deadlineMillis = Long.MAX_VALUE;
    private long reconnects;
    private long retries;

    public DatabaseLink(TetherConfig config) {
        this(config, Credentials.forConfig(config));
    }

    DatabaseLink(TetherConfig config, HikariCredentialsProvider credentials) {
        this.config = config;
        this.credentials = credentials;
        this.dataSource = newPool();
        this.dialect = config.dialect() == SQLDialect.DEFAULT ? null : config.dialect();
        // The context holds resources weakly: this link keeps the strong reference.
        Core.getGlobalContext().register(snapshotHook);
        connectAtInit();
    }

    private HikariDataSource newPool() {
        HikariConfig hikari = new HikariConfig();
        hikari.setPoolName("tether");
        hikari.setJdbcUrl(config.dbUrl());
        if (credentials != null) {
            hikari.setCredentialsProvider(credentials);
        } else {
            hikari.setUsername(config.dbUser());
            hikari.setPassword(config.dbPassword());
        }
        hikari.setMaximumPoolSize(1);
        hikari.setMinimumIdle(1);
        hikari.setConnectionTimeout(CONNECTION_TIMEOUT_MS);
        hikari.setMaxLifetime(MAX_LIFETIME_MS);
        // Never fail init because the database is unavailable: connect at the first batch instead.
        hikari.setInitializationFailTimeout(-1);
        // Transactions are explicit (one per batch): with auto-commit off a batch costs its statements plus COMMIT,
        // not an extra SET autocommit round trip on each side.
        hikari.setAutoCommit(false);
        // Client-side binding: no server-side prepared statements (which pin an RDS Proxy connection).
        hikari.addDataSourceProperty("useServerPrepStmts", "false");
        hikari.addDataSourceProperty("useLocalSessionState", "true");
        // Connector/J parses a client-side statement's text on every prepare (about 0.3 ms for a 1,000-row insert);
        // cache that per connection. RepeatedRows keeps one text per row count within the same bounds, so the
        // cache holds each batch size Lambda sends. A 1,000-row stream upsert is 75 K characters; a text and its parse take about five bytes
        // per character, so the cache stays under 64 × 128 K × 5 ≈ 40 MB at worst, a few MB in practice. Longer
        // texts (chunks of many thousand rows) are parsed each time, which is small next to executing them.
        hikari.addDataSourceProperty("cachePrepStmts", "true");
        hikari.addDataSourceProperty("prepStmtCacheSize", String.valueOf(PREPARED_TEXT_CACHE_ENTRIES));
        hikari.addDataSourceProperty("prepStmtCacheSqlLimit", String.valueOf(PREPARED_TEXT_CACHE_MAX_CHARS));
        // Not useLocalTransactionState: with it, Connector/J skips ROLLBACK when the server's in-transaction flag is
        // off, which it is after a failed first statement even though InnoDB holds the transaction (and its
        // metadata locks) open until the next one on this connection.
        hikari.addDataSourceProperty("tcpKeepAlive", "true");
        hikari.addDataSourceProperty("connectTimeout", String.valueOf(CONNECT_TIMEOUT_MS));
        hikari.addDataSourceProperty("characterEncoding", "UTF-8");
        return new HikariDataSource(hikari);
    }

    private static Settings jooqSettings() {
        return new Settings()
                .withRenderSchema(false)
                .withRenderCatalog(false)
                .withExecuteLogging(false)
                // Connector/J binds on the client (no server-side prepared statements), so there is no
                // placeholder limit to respect: never let jOOQ inline values into a large multi-row statement.
                .withInlineThreshold(Integer.MAX_VALUE);
    }

    /** Opens the connection (and migrates) while Lambda initialises the container; later if the database is down. */
    private void connectAtInit() {
        try (Connection connection = dataSource.getConnection()) {
            migrateIfNeeded();
        } catch (SQLException | RuntimeException e) {
            if (!SqlFailures.isConnectionFailure(e)) {
                throw e instanceof RuntimeException r ? r : new IllegalStateException(e);
            }
            LOG.warn("database not reachable at init; connecting at the first batch",
                    entry("reason", SqlFailures.describe(e)));
        }
    }

    private void migrateIfNeeded() {
        if (config.migrate() && !migrated) {
            try {
                TetherSchema.migrate(dataSource);
            } catch (RuntimeException e) {
                throw SqlFailures.isConnectionFailure(e) ? new ConnectFailedException(e) : e;
            }
        }
        migrated = true;
    }

    /**
     * Sets the time by which this invocation must be done with the database (epoch milliseconds): connection
     * attempts stop there. Call it at the start of each invocation.
     */
    public void deadline(long epochMillis) {
        this.deadlineMillis = epochMillis;
    }

    /**
     * Runs {@code work} in one transaction on the container's connection and commits it. A failure of the
     * connection in mid-transaction is retried once on a new connection; failing to connect is retried with backoff
     * until the deadline. Any other failure is the caller's.
     */
    public <T> T inTransaction(TransactionalCallable<T> work) {
        int attempt = 0;
        boolean retriedMidTransaction = false;
        boolean refreshedLogin = false;
        while (true) {
            try {
                if (!migrated) {
                    migrateIfNeeded();
                }
                return runOnce(work);
            } catch (RuntimeException e) {
                if (!SqlFailures.isConnectionFailure(e)) {
                    throw e;
                }
                if (isConnectFailure(e)) {
                    if (SqlFailures.isAccessDenied(e)) {
                        if (refreshedLogin) {
                            throw new LinkUnavailableException("the database refused the login: "
                                    + SqlFailures.describe(e), e);
                        }
                        // A rotated secret, or a password fixed since the pool last tried: log in afresh, once.
                        if (credentials instanceof SecretCredentials secret) {
                            secret.invalidate();
                        }
                        refreshedLogin = true;
                        rebuildPool();
                        continue;
                    }
                    backOff(attempt++, e);
                    continue;
                }
                if (retriedMidTransaction) {
                    throw e;
                }
                // The connection failed mid-transaction: the transaction never committed. Once, on a new connection.
                retriedMidTransaction = true;
                retries++;
                LOG.warn("connection lost in a transaction; retrying on a new connection",
                        entry("reason", SqlFailures.describe(e)));
            }
        }
    }

    /**
     * One transaction: the connection is taken from the pool first (a failure there is a failure to connect), then
     * jOOQ runs the work on it and commits, or rolls back.
     */
    private <T> T runOnce(TransactionalCallable<T> work) {
        Connection connection;
        try {
            connection = dataSource.getConnection();
        } catch (SQLException e) {
            throw new ConnectFailedException(e);
        }
        try (connection) {
            if (connections.track(connection) && connections.opened() > 1) {
                reconnects++;
            }
            return DSL.using(connection, dialect(connection), settings).transactionResult(work);
        } catch (SQLException e) {
            // Returning the connection to the pool failed; HikariCP has evicted it.
            throw new org.jooq.exception.DataAccessException("could not return the connection: " + e.getMessage(), e);
        }
    }

    /**
     * The configured dialect; when {@code TETHER_DB_DIALECT} is unset, MYSQL unless the server announces itself as
     * MariaDB (read from the handshake, no round trip): jOOQ's MYSQL upsert syntax is one MariaDB rejects.
     */
    private SQLDialect dialect(Connection connection) throws SQLException {
        SQLDialect resolved = dialect;
        if (resolved == null) {
            String version = connection.getMetaData().getDatabaseProductVersion();
            resolved = version != null && version.toLowerCase(java.util.Locale.ROOT).contains("mariadb")
                    ? SQLDialect.MARIADB
                    : SQLDialect.MYSQL;
            dialect = resolved;
            LOG.info("SQL dialect chosen from the server", entry("dialect", resolved.name()));
        }
        return resolved;
    }

    private static boolean isConnectFailure(Throwable failure) {
        for (Throwable t = failure; t != null && t.getCause() != t; t = t.getCause()) {
            if (t instanceof ConnectFailedException) {
                return true;
            }
        }
        return false;
    }

    /** No connection could be had from the pool: the server was not reached, or refused the login. */
    static final class ConnectFailedException extends RuntimeException {

        private static final long serialVersionUID = 1L;

        ConnectFailedException(Throwable cause) {
            super("could not connect to the database: " + SqlFailures.describe(cause), cause);
        }
    }

    private void backOff(int attempt, RuntimeException cause) {
        long ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS << Math.min(attempt, 20));
        long sleep = ThreadLocalRandom.current().nextLong(ceiling + 1);
        // A further attempt must fit before the deadline: the sleep, then up to one connection timeout.
        if (System.currentTimeMillis() + sleep + CONNECTION_TIMEOUT_MS > deadlineMillis) {
            throw new LinkUnavailableException("database unavailable until the invocation's deadline ("
                    + (attempt + 1) + " attempts): " + SqlFailures.describe(cause), cause);
        }
        LOG.info("database unavailable; backing off", entry("attempt", attempt + 1), entry("sleepMs", sleep),
                entry("reason", SqlFailures.describe(cause)));
        try {
            Thread.sleep(sleep);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LinkUnavailableException("interrupted while waiting for the database", cause);
        }
    }

    private synchronized void rebuildPool() {
        HikariDataSource old = dataSource;
        dataSource = newPool();
        old.close();
    }

    /** How many physical connections have served this link's transactions (one, while nothing went wrong). */
    public long connectionsOpened() {
        return connections.opened();
    }

    /** Whether the last transaction ran on a connection that the one before it did not use. */
    public boolean lastConnectionWasNew() {
        return connections.lastWasNew();
    }

    /** The server's id of the connection the last transaction used ({@code CONNECTION_ID()}), -1 before any. */
    public long connectionId() {
        return connections.currentConnectionId();
    }

    /** How long the current connection has served, in milliseconds. */
    public long connectionAgeMillis() {
        return connections.connectionAgeMillis();
    }

    /** Connections opened after the first one, since init. */
    public long reconnects() {
        return reconnects;
    }

    /** Transactions retried after losing their connection, since init. */
    public long retries() {
        return retries;
    }

    /** The SnapStart hooks, for tests that run them as the runtime would. */
    public Resource snapshotHook() {
        return snapshotHook;
    }

    @Override
    public void close() {
        dataSource.close();
    }

    /**
     * Closes the pool before a snapshot and opens a new one after each restore: a connection in a snapshot would be
     * shared by every container restored from it (AWS: "Handling uniqueness with Lambda SnapStart").
     */
    private final class SnapshotHook implements Resource {
        @Override
        public void beforeCheckpoint(Context<? extends Resource> context) {
            dataSource.close();
        }

        @Override
        public void afterRestore(Context<? extends Resource> context) {
            dataSource = newPool();
        }
    }

    /** The credentials provider a configuration asks for: none (static password), a secret, or IAM tokens. */
    static final class Credentials {
        private Credentials() {}

        static HikariCredentialsProvider forConfig(TetherConfig config) {
            CredentialSettings settings = config.credentials();
            if (settings.secretArn() != null) {
                return new SecretCredentials(AwsCredentialSources.secret(settings));
            }
            if (settings.iamAuth()) {
                return new IamTokenCredentials(config.dbUser(), AwsCredentialSources.iamToken(config), System::currentTimeMillis);
            }
            return null;
        }
    }
}
