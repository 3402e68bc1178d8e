package dev.tether.lambda.link;

import static java.util.concurrent.TimeUnit.MINUTES;
import static java.util.concurrent.TimeUnit.SECONDS;
import static software.amazon.lambda.powertools.logging.argument.StructuredArguments.entry;

import com.mysql.cj.jdbc.JdbcConnection;
import dev.tether.lambda.config.TetherConfig;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.function.Supplier;
import org.crac.Resource;
import org.jooq.Configuration;
import org.jooq.ConnectionProvider;
import org.jooq.SQLDialect;
import org.jooq.TransactionalCallable;
import org.jooq.conf.Settings;
import org.jooq.exception.DataAccessException;
import org.jooq.impl.DefaultConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The container's one database connection, opened at init and reused by every invocation while the container lives,
 * with a jOOQ configuration on it. One invocation runs at a time per container, so one connection is all a container
 * can use; more would only spend the database's connection budget ("Using database connections with Lambda", AWS).
 *
 * <p>Every wait is bounded by the invocation's deadline ({@link #invocation}): a connection attempt takes at most
 * the time left (and at most {@link #CONNECT_TIMEOUT_MS}), and each statement, COMMIT included, runs with a network
 * timeout of the time left, so an invocation answers in time whatever the database does.
 *
 * <p>What the link survives:
 * <ul>
 *   <li>a connection that died while the container was frozen (idle timeout, failover, restart, a NAT dropping the
 *       flow): a connection idle for a minute or more is pinged before use, and a transaction that fails on the
 *       connection before its COMMIT is retried once on a new one (it never committed, so nothing applies twice);
 *   <li>a connection lost during COMMIT, when the outcome is unknown: retried where the caller says a repeat is
 *       harmless ({@link OnLostCommit#RETRY}), else {@link CommitOutcomeUnknownException} for redelivery;
 *   <li>a database that refuses connections ("Too many connections" 1040, {@code max_user_connections} 1203 and
 *       1226) or is briefly down: short attempts with full-jitter backoff until the deadline, then
 *       {@link LinkUnavailableException}, which fails the batch as a whole for redelivery;
 *   <li>more containers than the login may hold connections: they take turns ({@link #invocation}) instead of
 *       the first ones keeping theirs for life while the rest starve;
 *   <li>a refused login (a rotated secret, an expired token): the login is read afresh once, at once;
 *   <li>a database that is down when the container starts: init does not fail; the link connects (and migrates)
 *       at the first batch;
 *   <li>a SnapStart snapshot: a CRaC resource closes the connection before the checkpoint; a restored container
 *       opens its own at its first batch, so no two containers share one.
 * </ul>
 *
 * <p>Its one job is the connection's life and the transactions on it; the rest is each a collaborator's:
 * {@code Connector} opens a connection and reads the server's dialect, {@code Logins} chooses where the login comes
 * from, {@code Backoff} spaces the attempts, {@code ConnectionSharing} decides when to give the connection up,
 * {@link Migrations} migrates, {@code SnapStartHook} closes before a snapshot, {@code LinkCounters} counts.
 *
 * <p>Not for concurrent use beyond one transaction at a time: its methods synchronise on the link.
 */
public final class DatabaseLink implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DatabaseLink.class);

    /** The longest one connection attempt may take, TCP connect and handshake included. */
    static final long CONNECT_TIMEOUT_MS = SECONDS.toMillis(2);

    /** Init connects and migrates within this; the Lambda init phase itself is limited to 10 seconds. */
    static final long INIT_BUDGET_MS = SECONDS.toMillis(8);

    /** A connection idle this long is pinged before use: the container may have been frozen past a server timeout. */
    static final long IDLE_BEFORE_PING_MS = MINUTES.toMillis(1);

    /** The connection is retired after this long, so server-side limits and failovers never meet a stale one. */
    static final long MAX_LIFETIME_MS = MINUTES.toMillis(30);

    /** Kept free below {@code max_allowed_packet}: the command byte and the packet header, with room to spare. */
    static final int PACKET_HEADROOM_BYTES = 1024;

    /** Statement texts whose parse Connector/J keeps per connection, and the longest text it keeps. */
    public static final int PREPARED_TEXT_CACHE_ENTRIES = Connector.PREPARED_TEXT_CACHE_ENTRIES;

    public static final int PREPARED_TEXT_CACHE_MAX_CHARS = Connector.PREPARED_TEXT_CACHE_MAX_CHARS;

    private static final long NO_DEADLINE = Long.MAX_VALUE;

    private final TetherConfig config;
    private final Migrations migrations;
    private final Connector connector;
    private final Settings settings = JooqSettings.create();
    private final ConnectionSharing sharing = new ConnectionSharing();
    private final LinkCounters counters = new LinkCounters();
    private final Resource snapshotHook;
    private SQLDialect dialect;
    private Connection connection;
    private Configuration configuration;
    private long connectionId = -1;
    private long lastTransactionConnectionId = -1;
    private long openedAtMillis;
    private long lastUsedMillis;
    private boolean lastWasNew;
    private boolean migrated;
    private long deadlineMillis = NO_DEADLINE;

    /** A link that applies the application's migrations at {@code classpath:db/migration}, then Tether's. */
    public DatabaseLink(TetherConfig config) {
        this(config, Migrations.defaults());
    }

    /** A link that applies {@code migrations} at init when {@code TETHER_DB_MIGRATE} is on (the default). */
    public DatabaseLink(TetherConfig config, Migrations migrations) {
        this(config, migrations, Logins.forConfig(config));
    }

    DatabaseLink(TetherConfig config, LoginSource logins) {
        this(config, Migrations.defaults(), logins);
    }

    DatabaseLink(TetherConfig config, Migrations migrations, LoginSource logins) {
        this.config = config;
        this.migrations = migrations;
        this.connector = new Connector(config.dbUrl(), logins);
        this.dialect = config.dialect() == SQLDialect.DEFAULT ? null : config.dialect();
        this.snapshotHook = SnapStartHook.register(this::close);
        connectAtInit();
    }

    /**
     * Opens the connection and migrates on it while Lambda initialises the container: one attempt, so that a
     * database that is down or full delays no start; the first batch connects then, within its own deadline.
     */
    private synchronized void connectAtInit() {
        deadlineMillis = System.currentTimeMillis() + INIT_BUDGET_MS;
        try {
            open(CONNECT_TIMEOUT_MS);
            migrateIfNeeded();
        } catch (SQLException | RuntimeException e) {
            discard();
            if (!SqlFailures.isConnectionFailure(e)) {
                // A migration that fails, a database that does not exist: a start that cannot work says so.
                throw e instanceof RuntimeException r ? r : new IllegalStateException(SqlFailures.describe(e), e);
            }
            LOG.warn(
                    "database not reachable at init; connecting at the first batch",
                    entry("reason", SqlFailures.describe(e)));
        } finally {
            deadlineMillis = NO_DEADLINE;
        }
    }

    /**
     * Runs one invocation's work on the link: connection attempts, backoff and every statement stop at
     * {@code deadlineMillis} (epoch milliseconds: the invocation's remaining time less a safety margin); at the end the
     * connection is given up if other containers need it ({@link #endInvocation()}) and the deadline is lifted.
     */
    public <T> T invocation(long deadlineMillis, Supplier<T> work) {
        deadline(deadlineMillis);
        try {
            return work.get();
        } finally {
            endInvocation();
            clearDeadline();
        }
    }

    private synchronized void deadline(long epochMillis) {
        this.deadlineMillis = epochMillis;
    }

    private synchronized void clearDeadline() {
        this.deadlineMillis = NO_DEADLINE;
    }

    /**
     * Runs {@code work} in one transaction on the container's connection and commits it; a lost COMMIT is
     * {@link OnLostCommit#REPORT reported}.
     */
    public <T> T inTransaction(TransactionalCallable<T> work) {
        return inTransaction(OnLostCommit.REPORT, work);
    }

    /**
     * Runs {@code work} in one transaction on the container's connection and commits it. A failure of the connection
     * before COMMIT is retried once on a new connection; one during COMMIT as {@code onLostCommit} says; failing to
     * connect is retried with backoff until the deadline, then {@link LinkUnavailableException}. Any other failure
     * rolls back and is the caller's.
     */
    public synchronized <T> T inTransaction(OnLostCommit onLostCommit, TransactionalCallable<T> work) {
        try {
            return inTransactionOnce(onLostCommit, work);
        } catch (LinkUnavailableException e) {
            counters.unavailable++;
            throw e;
        }
    }

    private <T> T inTransactionOnce(OnLostCommit onLostCommit, TransactionalCallable<T> work) {
        boolean retried = false;
        while (true) {
            ready();
            lastWasNew = connectionId != lastTransactionConnectionId;
            lastTransactionConnectionId = connectionId;
            try {
                T result = runOnce(work, onLostCommit);
                lastUsedMillis = System.currentTimeMillis();
                return result;
            } catch (ConnectionLost lost) {
                discard();
                if (retried) {
                    throw lost.failure;
                }
                if (timeLeft() < Backoff.MIN_ATTEMPT_MS) {
                    throw new LinkUnavailableException(
                            "the connection was lost and the invocation's deadline leaves" + " no time to retry: "
                                    + SqlFailures.describe(lost.failure),
                            lost.failure);
                }
                retried = true;
                counters.retries++;
                LOG.warn(
                        "connection lost in a transaction; retrying on a new connection",
                        entry("atCommit", lost.atCommit),
                        entry("reason", SqlFailures.describe(lost.failure)));
            }
        }
    }

    /** One transaction on the current connection: the work, then COMMIT; a rollback on any failure. */
    private <T> T runOnce(TransactionalCallable<T> work, OnLostCommit onLostCommit) {
        Connection c = connection;
        T result;
        try {
            result = work.run(configuration);
        } catch (Throwable e) {
            rollbackQuietly(c, e);
            if (SqlFailures.isConnectionFailure(e) && !SqlFailures.isLinkUnavailable(e)) {
                throw new ConnectionLost(unchecked(e), false);
            }
            throw unchecked(e);
        }
        try {
            applyDeadline(c);
            c.commit();
            return result;
        } catch (SQLException e) {
            if (!SqlFailures.isConnectionFailure(e)) {
                rollbackQuietly(c, e);
                throw new DataAccessException("COMMIT failed: " + SqlFailures.describe(e), e);
            }
            if (onLostCommit == OnLostCommit.RETRY) {
                throw new ConnectionLost(new DataAccessException("COMMIT failed: " + SqlFailures.describe(e), e), true);
            }
            discard();
            throw new CommitOutcomeUnknownException(e);
        } catch (RuntimeException e) {
            rollbackQuietly(c, e);
            throw e;
        }
    }

    /** The connection failed under a transaction that may run again; internal to {@link #inTransaction}. */
    private static final class ConnectionLost extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final transient RuntimeException failure;
        final boolean atCommit;

        ConnectionLost(RuntimeException failure, boolean atCommit) {
            super(null, null, false, false);
            this.failure = failure;
            this.atCommit = atCommit;
        }
    }

    private static RuntimeException unchecked(Throwable e) {
        if (e instanceof RuntimeException r) {
            return r;
        }
        if (e instanceof Error error) {
            throw error;
        }
        return new DataAccessException("the transaction failed: " + SqlFailures.describe(e), e);
    }

    /**
     * A connection fit for a transaction: the current one when it is alive, else a new one, connected with backoff
     * until the deadline; migrated first when that is still due.
     */
    private void ready() {
        int attempt = 0;
        boolean refreshedLogin = false;
        long refusedSince = 0;
        while (true) {
            try {
                if (connection != null && !healthy()) {
                    discard();
                }
                if (connection == null) {
                    long left = timeLeft();
                    if (left < Backoff.MIN_ATTEMPT_MS) {
                        throw new LinkUnavailableException("the invocation's deadline leaves no time to connect", null);
                    }
                    open(Math.min(CONNECT_TIMEOUT_MS, left));
                    if (attempt > 0) {
                        LOG.info("connected", entry("attempts", attempt + 1));
                    }
                    if (refusedSince > 0) {
                        sharing.refused(System.currentTimeMillis() - refusedSince, false);
                    }
                }
                migrateIfNeeded();
                return;
            } catch (SQLException | RuntimeException e) {
                discard();
                if (e instanceof LinkUnavailableException gaveUp) {
                    if (refusedSince > 0) {
                        sharing.refused(System.currentTimeMillis() - refusedSince, true);
                    }
                    throw gaveUp;
                }
                if (counters.connectFailed(e) && refusedSince == 0) {
                    refusedSince = System.currentTimeMillis();
                }
                if (!SqlFailures.isConnectionFailure(e)) {
                    // Not the connection's fault (a migration that fails, a database that does not exist): no amount
                    // of waiting helps, and no record of the batch is at fault either.
                    throw new LinkUnavailableException(
                            "the database cannot serve this link: " + SqlFailures.describe(e), e);
                }
                if (SqlFailures.isAccessDenied(e)) {
                    if (refreshedLogin) {
                        throw new LinkUnavailableException(
                                "the database refused the login: " + SqlFailures.describe(e), e);
                    }
                    // A rotated secret, a new token, a password fixed since the last attempt: log in afresh, once.
                    connector.refreshLogin();
                    refreshedLogin = true;
                    continue;
                }
                Backoff.pause(attempt++, timeLeft(), e);
            }
        }
    }

    /**
     * At the end of each invocation, within its deadline: gives the connection up when other containers need it
     * ({@link ConnectionSharing}). {@code TETHER_DB_SHARE_CONNECTIONS=false} turns this off.
     */
    private synchronized void endInvocation() {
        if (connection == null || !config.shareConnections()) {
            return;
        }
        switch (sharing.decide()) {
            case KEEP -> {
                return;
            }
            case RELEASE -> {
                release();
                return;
            }
            case ASK -> {
                // Asked below.
            }
        }
        try {
            applyDeadline(connection);
            boolean atLimit;
            try {
                atLimit = ConnectionSharing.atLimit(connection);
            } finally {
                rollbackQuietly(connection, null);
            }
            if (atLimit) {
                release();
            }
        } catch (SQLException | RuntimeException e) {
            // Only a hint for sharing: the next batch finds out about the connection itself.
            LOG.debug("connection usage check failed", entry("reason", SqlFailures.describe(e)));
        }
    }

    private void release() {
        counters.released++;
        discard();
    }

    /** Whether the current connection can serve: open, not too old, and answering if it was idle for long. */
    private boolean healthy() {
        try {
            if (connection.isClosed()) {
                return false;
            }
            long now = System.currentTimeMillis();
            if (now - openedAtMillis >= MAX_LIFETIME_MS) {
                return false;
            }
            if (now - lastUsedMillis >= IDLE_BEFORE_PING_MS) {
                applyDeadline(connection);
                connection.unwrap(JdbcConnection.class).ping();
            }
            return true;
        } catch (SQLException e) {
            return false;
        }
    }

    private void open(long timeoutMillis) throws SQLException {
        Connection c = connector.open(timeoutMillis);
        try {
            long id = Connector.serverId(c);
            int budget = (int) Math.max(
                    PACKET_HEADROOM_BYTES,
                    Math.min(config.maxStatementBytes(), (long) Connector.maxAllowedPacket(c) - PACKET_HEADROOM_BYTES));
            if (dialect == null) {
                dialect = Connector.dialectOf(c);
            }
            Configuration jooq = new DefaultConfiguration()
                    .set(new DeadlineBoundConnection(c))
                    .set(dialect)
                    .set(settings);
            jooq.data(StatementBudget.KEY, budget);
            connection = c;
            configuration = jooq;
            connectionId = id;
            openedAtMillis = lastUsedMillis = System.currentTimeMillis();
            counters.opened();
        } catch (SQLException | RuntimeException e) {
            Connector.closeQuietly(c, e);
            throw e;
        }
    }

    /** Applies pending migrations on the link's own connection, once per container. */
    private void migrateIfNeeded() throws SQLException {
        if (migrated) {
            return;
        }
        if (config.migrate()) {
            try {
                migrations.apply(new OneConnectionDataSource(connection, this::applyDeadline));
            } finally {
                // Flyway may leave a transaction (and its read view) open: the first batch must start afresh.
                rollbackQuietly(connection, null);
            }
        }
        migrated = true;
    }

    /** Bounds the next reads on {@code c} by the time left; no bound without a deadline. */
    private void applyDeadline(Connection c) throws SQLException {
        if (deadlineMillis == NO_DEADLINE) {
            c.setNetworkTimeout(Connector.ON_CALLER, 0);
            return;
        }
        long left = deadlineMillis - System.currentTimeMillis();
        if (left < 1) {
            throw new LinkUnavailableException("the invocation's deadline has passed", null);
        }
        c.setNetworkTimeout(Connector.ON_CALLER, (int) Math.min(left, Integer.MAX_VALUE));
    }

    private long timeLeft() {
        return deadlineMillis == NO_DEADLINE ? Long.MAX_VALUE : deadlineMillis - System.currentTimeMillis();
    }

    private static void rollbackQuietly(Connection c, Throwable failure) {
        try {
            if (!c.isClosed()) {
                c.rollback();
            }
        } catch (SQLException | RuntimeException e) {
            if (failure != null) {
                failure.addSuppressed(e);
            }
        }
    }

    /** Closes the current connection, if any; the next transaction opens a new one. */
    private void discard() {
        if (connection != null) {
            Connector.closeQuietly(connection, null);
            connection = null;
            configuration = null;
        }
    }

    /** How many physical connections this link has opened (one, while nothing went wrong). */
    public synchronized long connectionsOpened() {
        return counters.opened;
    }

    /** Whether the last transaction ran on a connection that the one before it did not use. */
    public synchronized boolean lastConnectionWasNew() {
        return lastWasNew;
    }

    /** The server's id of the connection the last transaction used ({@code CONNECTION_ID()}), -1 before any. */
    public synchronized long connectionId() {
        return lastTransactionConnectionId;
    }

    /** How long the current connection has served, in milliseconds. */
    public synchronized long connectionAgeMillis() {
        return connection == null ? 0 : System.currentTimeMillis() - openedAtMillis;
    }

    /** Connections opened after the first one, since init. */
    public synchronized long reconnects() {
        return counters.reconnects;
    }

    /** Transactions retried after losing their connection, since init. */
    public synchronized long retries() {
        return counters.retries;
    }

    /** Transactions that gave up because no connection could be had in the time left, since init. */
    public synchronized long unavailable() {
        return counters.unavailable;
    }

    /** Connections given up at the end of an invocation so that other containers could connect, since init. */
    public synchronized long released() {
        return counters.released;
    }

    /** Failed connection attempts by the server's error code (or SQLState, or exception), since init. */
    public synchronized Map<String, Long> connectErrors() {
        return counters.connectErrors();
    }

    /** The SnapStart hooks, for tests that run them as the runtime would. */
    public Resource snapshotHook() {
        return snapshotHook;
    }

    @Override
    public synchronized void close() {
        discard();
    }

    /**
     * Lends the connection to jOOQ for one statement at a time, each with a network timeout of the time left: a
     * statement that would run past the deadline (a lock wait, a slow server) fails on time instead.
     */
    private final class DeadlineBoundConnection implements ConnectionProvider {
        private final Connection connection;

        DeadlineBoundConnection(Connection connection) {
            this.connection = connection;
        }

        @Override
        public Connection acquire() {
            try {
                applyDeadline(connection);
            } catch (SQLException e) {
                throw new DataAccessException("could not bound the statement by the deadline", e);
            }
            return connection;
        }

        @Override
        public void release(Connection released) {}
    }
}
