package dev.tether.lambda.link;

import static java.util.concurrent.TimeUnit.MINUTES;
import static java.util.concurrent.TimeUnit.SECONDS;
import static software.amazon.lambda.powertools.logging.argument.StructuredArguments.entry;

import com.mysql.cj.jdbc.JdbcConnection;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.pool.HikariPool;
import dev.tether.lambda.config.TetherConfig;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.crac.Resource;
import org.jooq.Configuration;
import org.jooq.ConnectionProvider;
import org.jooq.SQLDialect;
import org.jooq.TransactionalCallable;
import org.jooq.conf.Settings;
import org.jooq.exception.DataAccessException;
import org.jooq.impl.DSL;
import org.jooq.impl.DefaultConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The execution environment's database connections: a HikariCP pool opened at init and reused by every invocation
 * while the environment lives, with a jOOQ configuration on each connection. In classic Lambda an environment runs
 * one invocation at a time, so the pool holds one connection; under Lambda Managed Instances one environment runs
 * up to {@code AWS_LAMBDA_MAX_CONCURRENCY} invocations at once on one handler instance, and the pool holds
 * {@link TetherConfig#poolSize()} connections that they share, each transaction on a connection of its own ("Using
 * database connections with Lambda", AWS). Never more connections than the pool size.
 *
 * <p>Every wait is bounded by the calling invocation's own deadline ({@link #invocation}, kept per thread): a borrow
 * from the pool waits at most the time left (never HikariCP's pool-wide {@code connectionTimeout}), and each
 * statement, COMMIT included, runs with a network timeout of the time left, so an invocation answers in time whatever
 * the database or the other invocations do. A statement abandoned at the deadline is ended on the server too
 * ({@code KILL}), so that no session waits on there holding a connection slot.
 *
 * <p>What the link survives:
 * <ul>
 *   <li>connections that died while the environment was frozen (idle timeout, failover, restart, a NAT dropping the
 *       flow): a connection idle for a minute or more is pinged before use, and a transaction that fails on its
 *       connection before its COMMIT is retried once on a new one (it never committed, so nothing applies twice);
 *       the pool's idle connections are then given up too, so that the retry never lands on another dead one;
 *   <li>a connection lost during COMMIT, when the outcome is unknown: retried where the caller says a repeat is
 *       harmless ({@link OnLostCommit#RETRY}), else {@link CommitOutcomeUnknownException} for redelivery;
 *   <li>a database that refuses connections ("Too many connections" 1040, {@code max_user_connections} 1203 and
 *       1226) or is briefly down: the pool retries with backoff (and jitter) while an invocation waits, until its
 *       deadline, then {@link LinkUnavailableException}, which fails the batch as a whole for redelivery;
 *   <li>more environments than the login may hold connections: they take turns ({@link #invocation}) instead of
 *       the first ones keeping theirs for life while the rest starve;
 *   <li>a refused login (a rotated secret, an expired token): the login is read afresh once, at once;
 *   <li>a database that is down when the environment starts: init does not fail; the link connects (and migrates)
 *       at the first batch;
 *   <li>a SnapStart snapshot: a CRaC resource closes the pool before the checkpoint; a restored environment opens
 *       its own at its first batch, so no two environments share a connection.
 * </ul>
 *
 * <p>Safe for concurrent invocations: the pool lends each transaction its own connection; the deadline and the
 * figures of an invocation are its thread's.
 */
public final class DatabaseLink implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DatabaseLink.class);

    /** The longest one connection attempt may take, TCP connect and handshake included. */
    static final long CONNECT_TIMEOUT_MS = SECONDS.toMillis(2);

    /** Init connects and migrates within this; the Lambda init phase itself is limited to 10 seconds. */
    static final long INIT_BUDGET_MS = SECONDS.toMillis(8);

    /** At init, the wait for the first connection: one attempt, and the pool's hand-over. */
    static final long INIT_CONNECT_SLACK_MS = 500;

    /** A connection idle this long is pinged before use: the container may have been frozen past a server timeout. */
    static final long IDLE_BEFORE_PING_MS = MINUTES.toMillis(1);

    /** The connection is retired after this long, so server-side limits and failovers never meet a stale one. */
    static final long MAX_LIFETIME_MS = MINUTES.toMillis(30);

    /** Kept free below {@code max_allowed_packet}: the command byte and the packet header, with room to spare. */
    static final int PACKET_HEADROOM_BYTES = 1024;

    /** How long a borrow outside any invocation (tests, tools) waits for a connection. */
    static final long NO_DEADLINE_BORROW_MS = SECONDS.toMillis(30);

    /** A borrow waits in slices of this, checking between them whether waiting can still help. */
    static final long BORROW_SLICE_MS = 100;

    /**
     * Ending a statement abandoned at the deadline on the server: the attempt's own limit, taken from the safety margin
     * the deadline keeps before Lambda's own (a few milliseconds where the server answers; nothing helps where not).
     */
    static final long KILL_TIMEOUT_MS = 200;

    /** Statement texts whose parse Connector/J keeps per connection, and the longest text it keeps. */
    public static final int PREPARED_TEXT_CACHE_ENTRIES = Connector.PREPARED_TEXT_CACHE_ENTRIES;

    public static final int PREPARED_TEXT_CACHE_MAX_CHARS = Connector.PREPARED_TEXT_CACHE_MAX_CHARS;

    private static final long NO_DEADLINE = Long.MAX_VALUE;

    /** A physical connection's facts, by its server id. */
    private static final class Physical {
        final Connection raw;
        final long id;
        final long openedAtMillis;
        final int budget;
        volatile long lastUsedMillis;
        volatile boolean used;

        Physical(Connection raw, long id, int budget) {
            this.raw = raw;
            this.id = id;
            this.budget = budget;
            this.openedAtMillis = this.lastUsedMillis = System.currentTimeMillis();
        }
    }

    /** What one thread's transactions saw: the figures of its invocations' log lines and metrics. */
    private static final class Figures {
        long deadlineMillis = NO_DEADLINE;
        boolean lastNew;
        long lastConnectionId = -1;
        long lastOpenedAtMillis;
        long reconnects;
        long retries;
        long reconnectsAtStart;
        long retriesAtStart;
    }

    /** What an invocation's log line says of the link: its own figures, not the environment's. */
    public record InvocationFigures(boolean connectionNew, long connectionAgeMillis, long reconnects, long retries) {}

    private final TetherConfig config;
    private final Migrations migrations;
    private final Connector connector;
    private final Settings settings = JooqSettings.create();
    private final ConnectionSharing sharing = new ConnectionSharing();
    private final LinkCounters counters = new LinkCounters();
    private final Resource snapshotHook;
    private final Map<Long, Physical> physicals = new ConcurrentHashMap<>();
    private final ThreadLocal<Figures> figures = ThreadLocal.withInitial(Figures::new);
    private final ReentrantLock migrationLock = new ReentrantLock();
    private final Object poolLock = new Object();
    private final AtomicLong lastConnectionId = new AtomicLong(-1);
    /** Invocations waiting in {@link #borrow} right now: the pool's thread keeps trying to connect while any does. */
    private final java.util.concurrent.atomic.AtomicInteger borrowing = new java.util.concurrent.atomic.AtomicInteger();
    /** The latest deadline of the invocations waiting in {@link #borrow}: the pool's retries are paced by it. */
    private final AtomicLong latestBorrowDeadline = new AtomicLong();

    private final AtomicReference<Exception> lastConnectFailure = new AtomicReference<>();
    private volatile SQLDialect dialect;
    private volatile HikariPool pool;
    private volatile boolean migrated;
    private volatile boolean closed;

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
        this.snapshotHook = SnapStartHook.register(this::shutdownPool);
        connectAtInit();
    }

    /**
     * Opens the first connection and migrates on it while Lambda initialises the environment: one attempt, so that
     * a database that is down or full delays no start; the first batch connects then, within its own deadline. The
     * connection goes back to the pool for the first batch.
     */
    private void connectAtInit() {
        Figures own = figures.get();
        // Migrations get the init budget; the wait for the connection itself, one attempt's worth.
        own.deadlineMillis = System.currentTimeMillis() + INIT_BUDGET_MS;
        Connection c = null;
        try {
            c = borrow(own, System.currentTimeMillis() + CONNECT_TIMEOUT_MS + INIT_CONNECT_SLACK_MS);
        } catch (LinkUnavailableException e) {
            Exception cause = lastConnectFailure.get();
            if (cause != null && !SqlFailures.isConnectionFailure(cause)) {
                // A database that does not exist, a URL that cannot work: a start that cannot work says so.
                throw new IllegalStateException(SqlFailures.describe(cause), cause);
            }
            if (e.getCause() instanceof RuntimeException migration && !SqlFailures.isConnectionFailure(migration)) {
                throw migration;
            }
            LOG.warn(
                    "database not reachable at init; connecting at the first batch",
                    entry("reason", SqlFailures.describe(cause != null ? cause : e)));
        } finally {
            if (c != null) {
                giveBack(c);
            }
            own.deadlineMillis = NO_DEADLINE;
        }
    }

    /**
     * Runs one invocation's work on the link: borrows, connection attempts and every statement of the calling thread
     * stop at {@code deadlineMillis} (epoch milliseconds: the invocation's remaining time less a safety margin),
     * whatever other invocations of the environment do; at the end a connection is given up if other environments
     * need it ({@link #endInvocation()}) and the deadline is lifted.
     */
    public <T> T invocation(long deadlineMillis, Supplier<T> work) {
        Figures own = figures.get();
        own.deadlineMillis = deadlineMillis;
        own.reconnectsAtStart = own.reconnects;
        own.retriesAtStart = own.retries;
        try {
            return work.get();
        } finally {
            endInvocation(own);
            own.deadlineMillis = NO_DEADLINE;
        }
    }

    /**
     * Runs {@code work} in one transaction on a pooled connection and commits it; a lost COMMIT is
     * {@link OnLostCommit#REPORT reported}.
     */
    public <T> T inTransaction(TransactionalCallable<T> work) {
        return inTransaction(OnLostCommit.REPORT, work);
    }

    /**
     * Runs {@code work} in one transaction on a connection of its own from the pool and commits it. A failure of the
     * connection before COMMIT is retried once on a new connection; one during COMMIT as {@code onLostCommit} says;
     * failing to get a connection in the time left is {@link LinkUnavailableException}. Any other failure rolls
     * back and is the caller's.
     */
    public <T> T inTransaction(OnLostCommit onLostCommit, TransactionalCallable<T> work) {
        try {
            return inTransactionOnce(onLostCommit, work);
        } catch (LinkUnavailableException e) {
            counters.gaveUp();
            throw e;
        }
    }

    private <T> T inTransactionOnce(OnLostCommit onLostCommit, TransactionalCallable<T> work) {
        Figures own = figures.get();
        boolean retried = false;
        while (true) {
            Connection c = borrow(own, Long.MAX_VALUE);
            try {
                Physical physical = physicalOf(c);
                own.lastNew = !physical.used;
                if (own.lastNew && own.lastConnectionId != -1) {
                    own.reconnects++;
                }
                physical.used = true;
                own.lastConnectionId = physical.id;
                own.lastOpenedAtMillis = physical.openedAtMillis;
                lastConnectionId.set(physical.id);
                T result = runOnce(c, physical, own, work, onLostCommit);
                physical.lastUsedMillis = System.currentTimeMillis();
                return result;
            } catch (ConnectionLost lost) {
                evict(c);
                c = null;
                if (retried) {
                    throw lost.failure;
                }
                if (timeLeft(own) < Backoff.MIN_ATTEMPT_MS) {
                    throw new LinkUnavailableException(
                            "the connection was lost and the invocation's deadline leaves" + " no time to retry: "
                                    + SqlFailures.describe(lost.failure),
                            lost.failure);
                }
                retried = true;
                own.retries++;
                counters.retried();
                // What killed one connection (a restart, a failover, a frozen environment) killed its idle siblings.
                evictIdle();
                LOG.warn(
                        "connection lost in a transaction; retrying on a new connection",
                        entry("atCommit", lost.atCommit),
                        entry("reason", SqlFailures.describe(lost.failure)));
            } finally {
                if (c != null) {
                    if (config.shareConnections() && config.poolSize() > 1 && sharing.shedding()) {
                        shedOrGiveBack(c);
                    } else {
                        giveBack(c);
                    }
                }
            }
        }
    }

    /**
     * While the login is at its limit, an environment of many invocations keeps one connection and gives the others
     * up as their transactions end, so that environments without any get their turn.
     */
    private void shedOrGiveBack(Connection c) {
        HikariPool p = pool;
        if (p != null && p.getTotalConnections() > 1) {
            counters.released();
            evict(c);
        } else {
            giveBack(c);
        }
    }

    /** One transaction on {@code c}: the work, then COMMIT; a rollback on any failure. */
    private <T> T runOnce(
            Connection c, Physical physical, Figures own, TransactionalCallable<T> work, OnLostCommit onLostCommit) {
        Configuration jooq = new DefaultConfiguration()
                .set(new DeadlineBoundConnection(c, own))
                .set(dialect)
                .set(settings);
        jooq.data(StatementBudget.KEY, physical.budget);
        T result;
        try {
            result = work.run(jooq);
        } catch (Throwable e) {
            endAbandoned(physical, own, e);
            rollbackQuietly(c, e);
            if (SqlFailures.isConnectionFailure(e) && !SqlFailures.isLinkUnavailable(e)) {
                throw new ConnectionLost(unchecked(e), false);
            }
            throw unchecked(e);
        }
        try {
            applyDeadline(c, own);
            c.commit();
            return result;
        } catch (SQLException e) {
            endAbandoned(physical, own, e);
            if (!SqlFailures.isConnectionFailure(e)) {
                rollbackQuietly(c, e);
                throw new DataAccessException("COMMIT failed: " + SqlFailures.describe(e), e);
            }
            if (onLostCommit == OnLostCommit.RETRY) {
                throw new ConnectionLost(new DataAccessException("COMMIT failed: " + SqlFailures.describe(e), e), true);
            }
            evict(c);
            throw new CommitOutcomeUnknownException(e);
        } catch (RuntimeException e) {
            rollbackQuietly(c, e);
            throw e;
        }
    }

    /**
     * When the deadline cut a statement off, the server may still be running it (waiting on a lock, say), holding
     * a connection slot that no budget counts: end that session on the server, from a connection of its own.
     */
    private void endAbandoned(Physical physical, Figures own, Throwable failure) {
        if (Boolean.getBoolean("tether.test.noKill")
                || own.deadlineMillis == NO_DEADLINE
                || timeLeft(own) > Backoff.MIN_ATTEMPT_MS
                || !SqlFailures.isConnectionFailure(failure)) {
            return;
        }
        try (Connection killer = connector.open(KILL_TIMEOUT_MS)) {
            killer.setNetworkTimeout(Connector.ON_CALLER, (int) KILL_TIMEOUT_MS);
            DSL.using(killer, dialect != null ? dialect : SQLDialect.MYSQL)
                    .execute(DSL.query("KILL CONNECTION {0}", DSL.inline(physical.id)));
            LOG.info("statement cut off at the deadline ended on the server", entry("connectionId", physical.id));
        } catch (SQLException | RuntimeException e) {
            // The server ends the wait by itself at innodb_lock_wait_timeout.
            LOG.debug("ending a cut-off statement failed", entry("reason", SqlFailures.describe(e)));
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
     * A connection fit for a transaction, borrowed from the pool within the time left: alive (pinged when it was idle
     * for long), migrated first when that is still due. Throws {@link LinkUnavailableException} when none can be had
     * in time.
     */
    private Connection borrow(Figures own, long waitUntilMillis) {
        long until = Math.min(waitUntilMillis, System.currentTimeMillis() + timeLeft(own));
        latestBorrowDeadline.accumulateAndGet(until, Math::max);
        borrowing.incrementAndGet();
        try {
            return borrowWhileCounted(own, waitUntilMillis);
        } finally {
            borrowing.decrementAndGet();
        }
    }

    private Connection borrowWhileCounted(Figures own, long waitUntilMillis) {
        boolean refreshedLogin = false;
        long started = System.currentTimeMillis();
        long refusalsBefore = counters.limitRefusals();
        while (true) {
            long left = Math.min(timeLeft(own), waitUntilMillis - System.currentTimeMillis());
            if (left < Backoff.MIN_ATTEMPT_MS) {
                throw unavailable(own, started, refusalsBefore, "the invocation's deadline leaves no time to connect");
            }
            HikariPool p = pool();
            Connection c;
            try {
                c = p.getConnection(Math.min(left, BORROW_SLICE_MS));
            } catch (SQLException e) {
                Exception cause = lastConnectFailure.get();
                if (cause != null && SqlFailures.isAccessDenied(cause) && !refreshedLogin) {
                    // A rotated secret, a new token, a password fixed since the last attempt: log in afresh, once.
                    connector.refreshLogin();
                    refreshedLogin = true;
                    lastConnectFailure.set(null);
                    continue;
                }
                if (cause != null && SqlFailures.isAccessDenied(cause) && refreshedLogin) {
                    throw unavailable(
                            own,
                            started,
                            refusalsBefore,
                            "the database refused the login: " + SqlFailures.describe(cause));
                }
                if (cause != null && !SqlFailures.isConnectionFailure(cause)) {
                    // Not the connection's fault (a database that does not exist): no amount of waiting helps.
                    throw unavailable(
                            own,
                            started,
                            refusalsBefore,
                            "the database cannot serve this link: " + SqlFailures.describe(cause));
                }
                continue;
            }
            try {
                Physical physical = physicalOf(c);
                if (System.currentTimeMillis() - physical.lastUsedMillis >= IDLE_BEFORE_PING_MS && !alive(c, own)) {
                    evict(c);
                    continue;
                }
                migrateIfNeeded(c, own);
                noteWait(started, refusalsBefore, false);
                return c;
            } catch (SQLException | RuntimeException e) {
                evict(c);
                if (e instanceof LinkUnavailableException gaveUp) {
                    throw gaveUp;
                }
                if (SqlFailures.isConnectionFailure(e)) {
                    continue;
                }
                // A migration that fails: no record of the batch is at fault.
                throw new LinkUnavailableException(
                        "the database cannot serve this link: " + SqlFailures.describe(e),
                        e instanceof RuntimeException r ? r : new DataAccessException(SqlFailures.describe(e), e));
            }
        }
    }

    private LinkUnavailableException unavailable(Figures own, long started, long refusalsBefore, String why) {
        noteWait(started, refusalsBefore, true);
        Exception cause = lastConnectFailure.get();
        return new LinkUnavailableException(
                why + (cause == null ? "" : " (last attempt: " + SqlFailures.describe(cause) + ")"), cause);
    }

    /** A wait for the connection limit makes this environment share its connections for a while. */
    private void noteWait(long started, long refusalsBefore, boolean gaveUp) {
        if (counters.limitRefusals() > refusalsBefore) {
            sharing.refused(System.currentTimeMillis() - started, gaveUp);
        }
    }

    /** The pool, made at the first need (at init, and again after a SnapStart restore). */
    private HikariPool pool() {
        HikariPool p = pool;
        if (p != null) {
            return p;
        }
        synchronized (poolLock) {
            if (closed) {
                throw new LinkUnavailableException("the link is closed", null);
            }
            if (pool == null) {
                pool = newPool();
            }
            return pool;
        }
    }

    private HikariPool newPool() {
        HikariConfig hikari = new HikariConfig();
        hikari.setPoolName("tether");
        hikari.setDataSource(new PooledSource(connector, new PooledSource.Attempts() {
            @Override
            public void opened(Connection connection) throws SQLException {
                register(connection);
            }

            @Override
            public boolean failed(Exception failure) {
                lastConnectFailure.set(failure);
                if (counters.connectFailed(failure)) {
                    LOG.debug(
                            "database refused a connection for its limit",
                            entry("reason", SqlFailures.describe(failure)));
                    return true;
                }
                return false;
            }

            @Override
            public boolean wanted() {
                return !closed && borrowing.get() > 0;
            }

            @Override
            public long timeLeftMillis() {
                return Math.max(0, latestBorrowDeadline.get() - System.currentTimeMillis());
            }
        }));
        // The JDBC URL only tells HikariCP it talks to MySQL (network timeouts set on the caller's thread).
        hikari.setJdbcUrl(config.dbUrl());
        hikari.setMaximumPoolSize(config.poolSize());
        // Nothing is opened ahead of need: a connection is made when a borrower waits, and kept while it lives.
        hikari.setMinimumIdle(0);
        hikari.setIdleTimeout(0);
        hikari.setMaxLifetime(MAX_LIFETIME_MS);
        hikari.setKeepaliveTime(0);
        hikari.setAutoCommit(false);
        // READ COMMITTED: a locking read locks the rows it finds and no gap, so concurrent batches of other keys never
        // wait on each other's gap locks (set once per connection, when the pool opens it).
        hikari.setTransactionIsolation("TRANSACTION_READ_COMMITTED");
        hikari.setConnectionTimeout(CONNECT_TIMEOUT_MS);
        hikari.setValidationTimeout(CONNECT_TIMEOUT_MS / 4);
        hikari.setInitializationFailTimeout(-1);
        hikari.setRegisterMbeans(false);
        // HikariCP would ping every connection idle for more than 500 ms on borrow: the link pings only those idle for
        // a minute or more, itself, within the invocation's deadline. The window is read when the pool is made.
        String bypass = System.getProperty(ALIVE_BYPASS_PROPERTY);
        System.setProperty(ALIVE_BYPASS_PROPERTY, String.valueOf(Long.MAX_VALUE / 2));
        try {
            return new HikariPool(hikari);
        } finally {
            if (bypass == null) {
                System.clearProperty(ALIVE_BYPASS_PROPERTY);
            } else {
                System.setProperty(ALIVE_BYPASS_PROPERTY, bypass);
            }
        }
    }

    private static final String ALIVE_BYPASS_PROPERTY = "com.zaxxer.hikari.aliveBypassWindowMs";

    /** Learns a new physical connection's id, budget and dialect; runs on the pool's thread. */
    private void register(Connection c) throws SQLException {
        long id = Connector.serverId(c);
        int budget = (int) Math.max(
                PACKET_HEADROOM_BYTES,
                Math.min(config.maxStatementBytes(), (long) Connector.maxAllowedPacket(c) - PACKET_HEADROOM_BYTES));
        if (dialect == null) {
            dialect = Connector.dialectOf(c);
        }
        physicals.values().removeIf(p -> isClosed(p.raw));
        physicals.put(id, new Physical(c, id, budget));
        counters.opened();
        lastConnectFailure.set(null);
    }

    private static boolean isClosed(Connection c) {
        try {
            return c.isClosed();
        } catch (SQLException e) {
            return true;
        }
    }

    private Physical physicalOf(Connection pooled) {
        try {
            Physical physical = physicals.get(Connector.serverId(pooled));
            if (physical == null) {
                throw new IllegalStateException("a pooled connection the link did not open");
            }
            return physical;
        } catch (SQLException e) {
            throw new DataAccessException("the pooled connection cannot be read", e);
        }
    }

    /** Whether {@code c}, idle for long, still answers: one ping within the time left. */
    private boolean alive(Connection c, Figures own) {
        try {
            applyDeadline(c, own);
            c.unwrap(JdbcConnection.class).ping();
            return true;
        } catch (SQLException e) {
            return false;
        }
    }

    /** Returns a borrowed connection to the pool, its transaction ended. */
    private void giveBack(Connection c) {
        try {
            c.close();
        } catch (SQLException | RuntimeException e) {
            LOG.debug("returning a connection failed", entry("reason", SqlFailures.describe(e)));
        }
    }

    /**
     * Closes a borrowed connection for good, at once (the server frees its slot before the invocation returns, not
     * when the pool's closing thread gets to it); the pool makes a new one when one is needed.
     */
    private void evict(Connection c) {
        try {
            Physical physical = physicals.remove(Connector.serverId(c));
            if (physical != null) {
                Connector.closeQuietly(physical.raw, null);
            }
        } catch (SQLException | RuntimeException e) {
            // The pool closes it below in any case.
        }
        HikariPool p = pool;
        if (p != null) {
            p.evictConnection(c);
        }
        giveBack(c);
    }

    /** Gives up every idle connection of the pool (and those in use when they come back). */
    private void evictIdle() {
        HikariPool p = pool;
        if (p != null) {
            p.softEvictConnections();
        }
    }

    /** Applies pending migrations once per environment, on the connection of the first borrower. */
    private void migrateIfNeeded(Connection c, Figures own) throws SQLException {
        if (migrated) {
            return;
        }
        try {
            if (!migrationLock.tryLock(Math.max(0, timeLeft(own)), TimeUnit.MILLISECONDS)) {
                throw new LinkUnavailableException("the migrations did not finish within the deadline", null);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LinkUnavailableException("interrupted while waiting for the migrations", null);
        }
        try {
            if (migrated) {
                return;
            }
            if (config.migrate()) {
                try {
                    migrations.apply(new OneConnectionDataSource(c, connection -> applyDeadline(connection, own)));
                } finally {
                    // Flyway turns auto-commit on for each connection it takes and back as it found it when done;
                    // with two of them open on this one connection, the last restore can leave it on, and a batch
                    // in auto-commit would commit statement by statement. Off again, whatever Flyway did.
                    try {
                        if (c.getAutoCommit()) {
                            c.setAutoCommit(false);
                        }
                    } finally {
                        // Flyway may leave a transaction (and its read view) open: the first batch must start afresh.
                        rollbackQuietly(c, null);
                    }
                }
            }
            migrated = true;
        } finally {
            migrationLock.unlock();
        }
    }

    /**
     * At the end of each invocation, within its deadline: gives a connection up when other environments need it
     * ({@link ConnectionSharing}). {@code TETHER_DB_SHARE_CONNECTIONS=false} turns this off.
     */
    private void endInvocation(Figures own) {
        HikariPool p = pool;
        if (p == null || !config.shareConnections() || p.getTotalConnections() == 0) {
            return;
        }
        ConnectionSharing.Decision decision = sharing.decide();
        if (decision == ConnectionSharing.Decision.KEEP) {
            return;
        }
        Connection idle;
        try {
            // Only an idle connection: never wait for, or take, one another invocation is using.
            idle = p.getIdleConnections() > 0 ? p.getConnection(Math.max(1, Math.min(timeLeft(own), 50))) : null;
        } catch (SQLException e) {
            return;
        }
        if (idle == null) {
            return;
        }
        if (decision == ConnectionSharing.Decision.RELEASE) {
            release(idle);
            return;
        }
        try {
            applyDeadline(idle, own);
            boolean atLimit;
            try {
                atLimit = sharing.atLimit(idle);
            } finally {
                rollbackQuietly(idle, null);
            }
            if (atLimit) {
                if (config.poolSize() > 1) {
                    // Many invocations on several connections: shed them down to one for a while (a classic
                    // environment's one connection is released this once, as before).
                    sharing.atLimitFound();
                }
                release(idle);
                return;
            }
        } catch (SQLException | RuntimeException e) {
            // Only a hint for sharing: the next batch finds out about the connection itself.
            LOG.debug("connection usage check failed", entry("reason", SqlFailures.describe(e)));
        }
        giveBack(idle);
    }

    private void release(Connection c) {
        counters.released();
        evict(c);
    }

    /** Bounds the next reads on {@code c} by the time left; no bound without a deadline. */
    private void applyDeadline(Connection c, Figures own) throws SQLException {
        if (own.deadlineMillis == NO_DEADLINE) {
            c.setNetworkTimeout(Connector.ON_CALLER, 0);
            return;
        }
        long left = own.deadlineMillis - System.currentTimeMillis();
        if (left < 1) {
            throw new LinkUnavailableException("the invocation's deadline has passed", null);
        }
        c.setNetworkTimeout(Connector.ON_CALLER, (int) Math.min(left, Integer.MAX_VALUE));
    }

    private static long timeLeft(Figures own) {
        return own.deadlineMillis == NO_DEADLINE
                ? NO_DEADLINE_BORROW_MS
                : own.deadlineMillis - System.currentTimeMillis();
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

    /** How many physical connections this link has opened (one, while nothing went wrong in classic Lambda). */
    public long connectionsOpened() {
        return counters.openedCount();
    }

    /** Whether the calling thread's last transaction ran on a connection no transaction had used before. */
    public boolean lastConnectionWasNew() {
        return figures.get().lastNew;
    }

    /**
     * The server's id of the connection the calling thread's last transaction used ({@code CONNECTION_ID()}); on a
     * thread that ran none, the environment's last; -1 before any.
     */
    public long connectionId() {
        long own = figures.get().lastConnectionId;
        return own != -1 ? own : lastConnectionId.get();
    }

    /** How long the connection of the calling thread's last transaction has served, in milliseconds. */
    public long connectionAgeMillis() {
        Figures own = figures.get();
        Physical physical = physicals.get(own.lastConnectionId);
        return physical == null || isClosed(physical.raw) ? 0 : System.currentTimeMillis() - own.lastOpenedAtMillis;
    }

    /** The calling thread's figures since its current (or last) {@link #invocation} began. */
    public InvocationFigures invocationFigures() {
        Figures own = figures.get();
        return new InvocationFigures(
                own.lastNew,
                connectionAgeMillis(),
                own.reconnects - own.reconnectsAtStart,
                own.retries - own.retriesAtStart);
    }

    /** Connections the calling thread's transactions had to take new since init (its share of {@link #reconnects}). */
    public long threadReconnects() {
        return figures.get().reconnects;
    }

    /** Transactions of the calling thread retried after losing their connection, since init. */
    public long threadRetries() {
        return figures.get().retries;
    }

    /** Connections opened after the first one, since init. */
    public long reconnects() {
        return counters.reconnects();
    }

    /** Transactions retried after losing their connection, since init. */
    public long retries() {
        return counters.retries();
    }

    /** Transactions that gave up because no connection could be had in the time left, since init. */
    public long unavailable() {
        return counters.unavailable();
    }

    /** Connections given up at the end of an invocation so that other environments could connect, since init. */
    public long released() {
        return counters.releasedCount();
    }

    /** Failed connection attempts by the server's error code (or SQLState, or exception), since init. */
    public Map<String, Long> connectErrors() {
        return counters.connectErrors();
    }

    /** The SnapStart hooks, for tests that run them as the runtime would. */
    public Resource snapshotHook() {
        return snapshotHook;
    }

    /** Closes the pool and its connections; a later transaction makes a new pool (after a SnapStart restore). */
    private void shutdownPool() {
        HikariPool p;
        synchronized (poolLock) {
            p = pool;
            pool = null;
        }
        if (p != null) {
            try {
                p.shutdown();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        physicals.clear();
    }

    @Override
    public void close() {
        synchronized (poolLock) {
            closed = true;
        }
        shutdownPool();
    }

    /**
     * Lends the transaction's connection to jOOQ for one statement at a time, each with a network timeout of the
     * time left: a statement that would run past the deadline (a lock wait, a slow server) fails on time instead.
     */
    private final class DeadlineBoundConnection implements ConnectionProvider {
        private final Connection connection;
        private final Figures own;

        DeadlineBoundConnection(Connection connection, Figures own) {
            this.connection = connection;
            this.own = own;
        }

        @Override
        public Connection acquire() {
            try {
                applyDeadline(connection, own);
            } catch (SQLException e) {
                throw new DataAccessException("could not bound the statement by the deadline", e);
            }
            return connection;
        }

        @Override
        public void release(Connection released) {}
    }
}
