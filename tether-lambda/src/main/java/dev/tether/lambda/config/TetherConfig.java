package dev.tether.lambda.config;

import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.jooq.SQLDialect;

/**
 * Tether's configuration, read once from the environment at container start and validated there.
 *
 * @param dbUrl JDBC URL of the MySQL-compatible server ({@code TETHER_DB_URL}, required)
 * @param dbUser user name ({@code TETHER_DB_USER})
 * @param dbPassword password ({@code TETHER_DB_PASSWORD}); never logged
 * @param dialect SQL dialect: {@code MYSQL} for MySQL 8 / Aurora MySQL 3, {@code MARIADB} for MariaDB
 *     ({@code TETHER_DB_DIALECT}; unset, {@link SQLDialect#DEFAULT}: MYSQL, unless the server announces itself as
 *     MariaDB)
 * @param migrate whether init applies pending Flyway migrations ({@code TETHER_DB_MIGRATE}, default true)
 * @param maxStatementBytes the size a multi-row statement is kept under, so it stays below the server's
 *     {@code max_allowed_packet} ({@code TETHER_MAX_STATEMENT_BYTES}, default 4 MiB)
 * @param idempotency how duplicates are suppressed ({@code TETHER_IDEMPOTENCY*})
 * @param fifoFailure what a failure holds back on a FIFO queue ({@code TETHER_FIFO_FAILURE}, default {@code group})
 * @param stream what a DynamoDB stream replicates into ({@code TETHER_STREAM_*})
 * @param credentials where the password comes from ({@code TETHER_DB_SECRET_ARN}, {@code TETHER_DB_IAM_AUTH})
 * @param prime whether init warms the hot path without the database ({@code TETHER_PRIME}; default: on during a
 *     SnapStart init, where the work is snapshotted, off otherwise)
 * @param metricsNamespace the CloudWatch namespace of the batch metrics ({@code POWERTOOLS_METRICS_NAMESPACE},
 *     default {@code Tether})
 * @param shareConnections whether a container gives its connection up after an invocation when its login is at its
 *     connection limit or it was refused for it, so that more containers than connections take turns
 *     ({@code TETHER_DB_SHARE_CONNECTIONS}, default true; behind RDS Proxy, which multiplexes, set false)
 * @param poolSize the most connections the execution environment's pool holds: 1 in classic Lambda, which runs one
 *     invocation at a time per environment ({@code AWS_LAMBDA_MAX_CONCURRENCY} unset or 1); under Lambda Managed
 *     Instances ({@code AWS_LAMBDA_MAX_CONCURRENCY=N}, N &gt; 1) {@code TETHER_DB_POOL_SIZE}, by default
 *     {@link #DEFAULT_MANAGED_POOL_SIZE} (never more than N)
 */
public record TetherConfig(
        String dbUrl,
        String dbUser,
        String dbPassword,
        SQLDialect dialect,
        boolean migrate,
        int maxStatementBytes,
        IdempotencySettings idempotency,
        FifoFailure fifoFailure,
        StreamSettings stream,
        CredentialSettings credentials,
        boolean prime,
        String metricsNamespace,
        boolean shareConnections,
        int poolSize) {

    public static final String DB_URL = "TETHER_DB_URL";
    public static final String DB_USER = "TETHER_DB_USER";
    public static final String DB_PASSWORD = "TETHER_DB_PASSWORD";
    public static final String DB_DIALECT = "TETHER_DB_DIALECT";
    public static final String DB_MIGRATE = "TETHER_DB_MIGRATE";
    public static final String MAX_STATEMENT_BYTES = "TETHER_MAX_STATEMENT_BYTES";
    public static final String FIFO_FAILURE = "TETHER_FIFO_FAILURE";
    public static final String PRIME = "TETHER_PRIME";
    public static final String SHARE_CONNECTIONS = "TETHER_DB_SHARE_CONNECTIONS";
    public static final String DB_POOL_SIZE = "TETHER_DB_POOL_SIZE";

    /** Set by Lambda in an execution environment of Lambda Managed Instances: invocations it runs at once. */
    public static final String LAMBDA_MAX_CONCURRENCY = "AWS_LAMBDA_MAX_CONCURRENCY";

    /**
     * The pool size under Lambda Managed Instances when {@code TETHER_DB_POOL_SIZE} is unset, capped by the
     * environment's concurrency: with 8 concurrent invocations, a pool of 4 halved an invocation's median time against
     * a pool of 1 and a pool of 8 gained nothing more, in two benchmark runs (docs/PERFORMANCE.md; README, "Lambda
     * Managed Instances").
     */
    public static final int DEFAULT_MANAGED_POOL_SIZE = 4;

    /** The largest pool an environment may have: the most invocations Lambda runs at once in one environment. */
    public static final int MAX_POOL_SIZE = 1600;

    /** What one failed message holds back when the queue is FIFO. */
    public enum FifoFailure {
        /** The later messages of the same message group; other groups go on. */
        GROUP,
        /** Every later message of the batch (what Powertools' batch utility does). */
        BATCH
    }

    /** 4 MiB: well under the smallest default {@code max_allowed_packet} (MariaDB's 16 MiB). */
    public static final int DEFAULT_MAX_STATEMENT_BYTES = 4 * 1024 * 1024;

    private static final int MIN_STATEMENT_BYTES = 16 * 1024;

    public TetherConfig {
        Objects.requireNonNull(dbUrl, "dbUrl");
        Objects.requireNonNull(dialect, "dialect");
        Objects.requireNonNull(idempotency, "idempotency");
        Objects.requireNonNull(fifoFailure, "fifoFailure");
        Objects.requireNonNull(stream, "stream");
        Objects.requireNonNull(credentials, "credentials");
        if (poolSize < 1 || poolSize > MAX_POOL_SIZE) {
            throw new ConfigException("the pool size must be between 1 and " + MAX_POOL_SIZE + "; got " + poolSize);
        }
    }

    /** The configuration of a classic Lambda environment (a pool of one), as before pools had a size. */
    public TetherConfig(
            String dbUrl,
            String dbUser,
            String dbPassword,
            SQLDialect dialect,
            boolean migrate,
            int maxStatementBytes,
            IdempotencySettings idempotency,
            FifoFailure fifoFailure,
            StreamSettings stream,
            CredentialSettings credentials,
            boolean prime,
            String metricsNamespace,
            boolean shareConnections) {
        this(
                dbUrl,
                dbUser,
                dbPassword,
                dialect,
                migrate,
                maxStatementBytes,
                idempotency,
                fifoFailure,
                stream,
                credentials,
                prime,
                metricsNamespace,
                shareConnections,
                1);
    }

    /** Reads and validates the {@code TETHER_*} variables; throws {@link ConfigException} naming the first bad one. */
    public static TetherConfig fromEnvironment(Map<String, String> env) {
        String url = trimmed(env.get(DB_URL));
        if (url == null) {
            throw new ConfigException(DB_URL + " is required: the JDBC URL of the database, "
                    + "e.g. jdbc:mysql://my-cluster.cluster-xyz.eu-west-1.rds.amazonaws.com:3306/tether");
        }
        return new TetherConfig(
                jdbcUrl(url),
                trimmed(env.get(DB_USER)),
                env.get(DB_PASSWORD),
                dialect(env.get(DB_DIALECT)),
                bool(env, DB_MIGRATE, true),
                maxStatementBytes(env.get(MAX_STATEMENT_BYTES)),
                IdempotencySettings.fromEnvironment(env),
                fifoFailure(env.get(FIFO_FAILURE)),
                StreamSettings.fromEnvironment(env),
                CredentialSettings.fromEnvironment(env),
                bool(env, PRIME, "snap-start".equals(env.get("AWS_LAMBDA_INITIALIZATION_TYPE"))),
                Objects.requireNonNullElse(trimmed(env.get("POWERTOOLS_METRICS_NAMESPACE")), "Tether"),
                bool(env, SHARE_CONNECTIONS, true),
                poolSize(env.get(LAMBDA_MAX_CONCURRENCY), env.get(DB_POOL_SIZE)));
    }

    /** The default configuration for a database URL and dialect; tests and tools start from it. */
    public static TetherConfig of(String url, String user, String password, SQLDialect dialect) {
        return new TetherConfig(
                jdbcUrl(url),
                user,
                password,
                dialect,
                true,
                DEFAULT_MAX_STATEMENT_BYTES,
                IdempotencySettings.defaults(),
                FifoFailure.GROUP,
                StreamSettings.defaults(),
                CredentialSettings.fromPassword(),
                false,
                "Tether",
                true,
                1);
    }

    /** A copy with other idempotency settings. */
    public TetherConfig withIdempotency(IdempotencySettings settings) {
        return copy(c -> c.idempotency = settings);
    }

    /** A copy with another FIFO failure rule. */
    public TetherConfig withFifoFailure(FifoFailure rule) {
        return copy(c -> c.fifoFailure = rule);
    }

    /** A copy replicating streams as {@code settings} say. */
    public TetherConfig withStream(StreamSettings settings) {
        return copy(c -> c.stream = settings);
    }

    /** A copy that keeps statements under {@code bytes}. */
    public TetherConfig withMaxStatementBytes(int bytes) {
        return copy(c -> c.maxStatementBytes = bytes);
    }

    /** A copy that shares connections under pressure, or never does. */
    public TetherConfig withShareConnections(boolean share) {
        return copy(c -> c.shareConnections = share);
    }

    /** A copy that applies the migrations at init ({@code TETHER_DB_MIGRATE}), or not. */
    public TetherConfig withMigrate(boolean migrateAtInit) {
        return copy(c -> c.migrate = migrateAtInit);
    }

    /** A copy that primes the hot path at init, or not. */
    public TetherConfig withPrime(boolean primeAtInit) {
        return copy(c -> c.prime = primeAtInit);
    }

    /**
     * A copy whose environment runs up to {@code size} invocations at once on a pool of {@code size} connections, as
     * Lambda Managed Instances do; for tests and local runners.
     */
    public TetherConfig withPoolSize(int size) {
        return copy(c -> c.poolSize = size);
    }

    /** This configuration with what {@code change} sets; the record's own checks run on the result. */
    private TetherConfig copy(java.util.function.Consumer<Copy> change) {
        Copy c = new Copy(this);
        change.accept(c);
        return new TetherConfig(
                c.dbUrl,
                c.dbUser,
                c.dbPassword,
                c.dialect,
                c.migrate,
                c.maxStatementBytes,
                c.idempotency,
                c.fifoFailure,
                c.stream,
                c.credentials,
                c.prime,
                c.metricsNamespace,
                c.shareConnections,
                c.poolSize);
    }

    /** The components of a configuration being copied, one to change per {@code withX}. */
    private static final class Copy {
        String dbUrl;
        String dbUser;
        String dbPassword;
        SQLDialect dialect;
        boolean migrate;
        int maxStatementBytes;
        IdempotencySettings idempotency;
        FifoFailure fifoFailure;
        StreamSettings stream;
        CredentialSettings credentials;
        boolean prime;
        String metricsNamespace;
        boolean shareConnections;
        int poolSize;

        Copy(TetherConfig from) {
            dbUrl = from.dbUrl;
            dbUser = from.dbUser;
            dbPassword = from.dbPassword;
            dialect = from.dialect;
            migrate = from.migrate;
            maxStatementBytes = from.maxStatementBytes;
            idempotency = from.idempotency;
            fifoFailure = from.fifoFailure;
            stream = from.stream;
            credentials = from.credentials;
            prime = from.prime;
            metricsNamespace = from.metricsNamespace;
            shareConnections = from.shareConnections;
            poolSize = from.poolSize;
        }
    }

    /** The default pool of an environment that runs {@code concurrency} invocations at once. */
    public static int defaultPoolSize(int concurrency) {
        return Math.max(1, Math.min(concurrency, DEFAULT_MANAGED_POOL_SIZE));
    }

    /**
     * The pool of an environment that runs {@code maxConcurrency} invocations at once: one connection in classic
     * Lambda; under Managed Instances {@code TETHER_DB_POOL_SIZE} (or the default), never more than the concurrency.
     */
    static int poolSize(String maxConcurrency, String configured) {
        int concurrency = 1;
        String text = trimmed(maxConcurrency);
        if (text != null) {
            try {
                concurrency = Math.max(1, Math.min(MAX_POOL_SIZE, Integer.parseInt(text)));
            } catch (NumberFormatException e) {
                throw new ConfigException(LAMBDA_MAX_CONCURRENCY + " must be a whole number; got '" + text + "'");
            }
        }
        String size = trimmed(configured);
        if (size == null) {
            return defaultPoolSize(concurrency);
        }
        int parsed;
        try {
            parsed = Integer.parseInt(size);
        } catch (NumberFormatException e) {
            parsed = 0;
        }
        if (parsed < 1 || parsed > MAX_POOL_SIZE) {
            throw new ConfigException(
                    DB_POOL_SIZE + " must be a whole number between 1 and " + MAX_POOL_SIZE + "; got '" + size + "'");
        }
        return Math.min(parsed, concurrency);
    }

    private static String jdbcUrl(String url) {
        // Tether ships MySQL Connector/J, which speaks to MariaDB too: accept MariaDB's own URL form.
        if (url.startsWith("jdbc:mariadb:")) {
            return "jdbc:mysql:" + url.substring("jdbc:mariadb:".length());
        }
        if (!url.startsWith("jdbc:mysql:")) {
            throw new ConfigException(DB_URL + " must be a MySQL JDBC URL starting with jdbc:mysql://"
                    + " (got one starting with '" + url.substring(0, Math.min(url.length(), 11)) + "')");
        }
        return url;
    }

    private static SQLDialect dialect(String value) {
        String name = trimmed(value);
        if (name == null) {
            return SQLDialect.DEFAULT;
        }
        return switch (name.toUpperCase(Locale.ROOT)) {
            case "MYSQL" -> SQLDialect.MYSQL;
            case "MARIADB" -> SQLDialect.MARIADB;
            default ->
                throw new ConfigException(
                        DB_DIALECT + " must be MYSQL (MySQL 8, Aurora MySQL 3) or MARIADB; got '" + name + "'");
        };
    }

    private static boolean bool(Map<String, String> env, String name, boolean fallback) {
        String value = trimmed(env.get(name));
        if (value == null) {
            return fallback;
        }
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new ConfigException(name + " must be true or false; got '" + value + "'");
        };
    }

    private static int maxStatementBytes(String value) {
        String text = trimmed(value);
        if (text == null) {
            return DEFAULT_MAX_STATEMENT_BYTES;
        }
        try {
            int bytes = Integer.parseInt(text);
            if (bytes >= MIN_STATEMENT_BYTES) {
                return bytes;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new ConfigException(MAX_STATEMENT_BYTES + " must be a whole number of bytes of at least "
                + MIN_STATEMENT_BYTES + "; got '" + text + "'");
    }

    private static FifoFailure fifoFailure(String value) {
        String name = trimmed(value);
        if (name == null) {
            return FifoFailure.GROUP;
        }
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "group" -> FifoFailure.GROUP;
            case "batch" -> FifoFailure.BATCH;
            default -> throw new ConfigException(FIFO_FAILURE + " must be group or batch; got '" + name + "'");
        };
    }

    private static String trimmed(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }

    @Override
    public String toString() {
        // Never print the password.
        return "TetherConfig[dbUrl=" + dbUrl.replaceFirst("\\?.*", "?…") + ", dbUser=" + dbUser + ", dialect=" + dialect
                + ", migrate=" + migrate
                + ", maxStatementBytes=" + maxStatementBytes + ", idempotency=" + idempotency
                + ", fifoFailure=" + fifoFailure + ", stream=" + stream + ", poolSize=" + poolSize + "]";
    }
}
