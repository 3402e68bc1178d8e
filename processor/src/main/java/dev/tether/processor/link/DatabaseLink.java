package dev.tether.processor.link;

import static java.util.concurrent.TimeUnit.MINUTES;
import static java.util.concurrent.TimeUnit.SECONDS;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.tether.processor.config.TetherConfig;
import dev.tether.schema.TetherSchema;
import org.jooq.DSLContext;
import org.jooq.TransactionalCallable;
import org.jooq.conf.Settings;
import org.jooq.impl.DSL;

/**
 * The container's one database connection: a HikariCP pool of exactly one, opened at init and reused by every
 * invocation while the container lives, with a jOOQ {@link DSLContext} on it.
 *
 * <p>Lambda runs one invocation at a time per container, so one connection is all a container can use; more would
 * only spend the database's connection budget. See "Using database connections with Lambda" in the AWS Lambda docs.
 */
public final class DatabaseLink implements AutoCloseable {

    static {
        // jOOQ prints a banner and a tip on first use; neither belongs in a Lambda log.
        System.setProperty("org.jooq.no-logo", "true");
        System.setProperty("org.jooq.no-tips", "true");
    }

    /** How long a borrower waits for the connection, including connecting. */
    private static final long CONNECTION_TIMEOUT_MS = SECONDS.toMillis(10);

    /** Retire the connection after this long, so server-side idle limits and failovers never see a stale one. */
    private static final long MAX_LIFETIME_MS = MINUTES.toMillis(30);

    private final HikariDataSource dataSource;
    private final DSLContext dsl;
    private final TrackingConnectionProvider connections;

    public DatabaseLink(TetherConfig config) {
        this.dataSource = new HikariDataSource(hikariConfig(config));
        this.connections = new TrackingConnectionProvider(dataSource);
        this.dsl = DSL.using(connections, config.dialect(), jooqSettings());
        if (config.migrate()) {
            TetherSchema.migrate(dataSource);
        }
    }

    private static HikariConfig hikariConfig(TetherConfig config) {
        HikariConfig hikari = new HikariConfig();
        hikari.setPoolName("tether");
        hikari.setJdbcUrl(config.dbUrl());
        hikari.setUsername(config.dbUser());
        hikari.setPassword(config.dbPassword());
        hikari.setMaximumPoolSize(1);
        hikari.setMinimumIdle(1);
        hikari.setConnectionTimeout(CONNECTION_TIMEOUT_MS);
        hikari.setMaxLifetime(MAX_LIFETIME_MS);
        // Transactions are explicit (one per batch): with auto-commit off a batch costs its statements plus COMMIT,
        // not an extra SET autocommit round trip on each side.
        hikari.setAutoCommit(false);
        hikari.addDataSourceProperty("useServerPrepStmts", "false");
        hikari.addDataSourceProperty("useLocalSessionState", "true");
        // Not useLocalTransactionState: with it, Connector/J skips ROLLBACK when the server's in-transaction flag is
        // off, which it is after a failed first statement even though InnoDB holds the transaction (and its
        // metadata locks) open until the next one on this connection.
        hikari.addDataSourceProperty("tcpKeepAlive", "true");
        hikari.addDataSourceProperty("connectTimeout", String.valueOf(SECONDS.toMillis(5)));
        hikari.addDataSourceProperty("characterEncoding", "UTF-8");
        return hikari;
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

    /** Runs {@code work} in one transaction on the container's connection and commits it. */
    public <T> T inTransaction(TransactionalCallable<T> work) {
        return dsl.transactionResult(work);
    }

    /** The jOOQ context on the link, for reads outside a batch transaction. */
    public DSLContext dsl() {
        return dsl;
    }

    /** How many physical connections have served this link's transactions (one, while nothing went wrong). */
    public long connectionsOpened() {
        return connections.connectionsOpened();
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

    @Override
    public void close() {
        dataSource.close();
    }
}
