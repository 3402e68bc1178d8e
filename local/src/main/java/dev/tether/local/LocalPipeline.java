package dev.tether.local;

import static java.util.concurrent.TimeUnit.SECONDS;

import dev.tether.lambda.config.TetherConfig;
import dev.tether.local.CommandLine.HelpRequested;
import dev.tether.local.CommandLine.UsageException;
import dev.tether.local.EventGenerator.Generated;
import dev.tether.schema.TetherSchema;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Collectors;
import org.jooq.SQLDialect;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Tether's main job on one machine: an embedded MySQL-compatible server with the Flyway schema, an embedded SQS
 * with the orders queue and its dead-letter queue, the event source mapping emulator running the real handler, and
 * a producer sending a realistic mix of events. It ends with a summary and exits non-zero when the database does
 * not hold exactly what was sent. Flags (or TETHER_DB_* variables) point it at a real MySQL or at AWS.
 */
public final class LocalPipeline {

    /** The run's settings; every one has a flag. */
    public record Options(
            int events,
            double duplicateRate,
            double poisonRate,
            int fifoGroups,
            int pollers,
            int batchSize,
            long batchingWindowMillis,
            int visibilityTimeoutSeconds,
            int maxReceiveCount,
            String dbUrl,
            String dbUser,
            String dbPassword,
            SQLDialect dialect,
            String sqsEndpoint,
            String queueName,
            long seed,
            long timeoutSeconds,
            boolean progress,
            int dbMaxConnections,
            long functionTimeoutMillis,
            boolean prefill,
            int concurrency,
            int poolSize) {

        static Options defaults() {
            return new Options(
                    20_000,
                    0.02,
                    0.002,
                    0,
                    4,
                    100,
                    200,
                    3,
                    2,
                    null,
                    null,
                    null,
                    SQLDialect.MARIADB,
                    null,
                    "tether-orders",
                    42,
                    900,
                    true,
                    0,
                    SECONDS.toMillis(60),
                    false,
                    1,
                    0);
        }

        /** The pool each container's handler gets: {@code --pool-size}, else Tether's default for the concurrency. */
        int effectivePoolSize() {
            return poolSize > 0 ? Math.min(poolSize, concurrency) : TetherConfig.defaultPoolSize(concurrency);
        }
    }

    /**
     * What the containers went through: invocations, whole batches that failed (reported whole, or the handler
     * threw), messages received again, connection errors by code, and invocation latency.
     */
    public record Load(
            long invocations,
            long wholeBatchFailures,
            long invocationErrors,
            long redeliveries,
            Map<String, Long> connectErrors,
            double p50Millis,
            double p99Millis,
            double drainSeconds,
            long firstPassDeleted,
            double firstPassSeconds) {

        /** Messages deleted on their first receive per second of that first pass: throughput without the tail of
         *  redeliveries, which wait out the visibility timeout. */
        public double firstPassThroughput() {
            return firstPassSeconds == 0 ? 0 : firstPassDeleted / firstPassSeconds;
        }
    }

    /** Builds one container's handler on the database its login names. */
    @FunctionalInterface
    public interface Containers {
        Container create(String url, String user, String password, SQLDialect dialect);

        /**
         * One execution environment that runs {@code concurrency} invocations at once on a pool of {@code poolSize}
         * connections (Lambda Managed Instances); by default the same as {@link #create(String, String, String,
         * SQLDialect)}.
         */
        default Container create(
                String url, String user, String password, SQLDialect dialect, int concurrency, int poolSize) {
            return create(url, user, password, dialect);
        }
    }

    /** Tether's order handler, configured as Lambda would configure it (defaults, this login). */
    public static final Containers TETHER = new Containers() {
        @Override
        public Container create(String url, String user, String password, SQLDialect dialect) {
            return Container.tether(TetherConfig.of(url, user, password, dialect));
        }

        @Override
        public Container create(
                String url, String user, String password, SQLDialect dialect, int concurrency, int poolSize) {
            return Container.tether(
                    TetherConfig.of(url, user, password, dialect).withPoolSize(poolSize));
        }
    };

    /** The login the handlers use under {@code --db-max-connections}; the pipeline's own checks keep the admin's. */
    static final String LIMITED_USER = "tether_load";

    /** What a run found. */
    public record Report(
            long sent,
            long deleted,
            long deadLettered,
            Map<String, Long> rows,
            long connectionsOpened,
            List<String> mismatches,
            double seconds,
            Load load,
            int balancesExact,
            int balancesExpected) {
        public boolean ok() {
            return mismatches.isEmpty();
        }
    }

    private final Options options;
    private final PrintStream console;
    private final Containers containers;

    public LocalPipeline(Options options, PrintStream console) {
        this(options, console, TETHER);
    }

    /** A pipeline whose containers run the handlers {@code containers} builds (the benchmark's naive handler). */
    public LocalPipeline(Options options, PrintStream console, Containers containers) {
        this.options = options;
        this.console = console;
        this.containers = containers;
    }

    public static void main(String[] args) throws Exception {
        System.setProperty("log4j2.configurationFile", "log4j2-local.xml");
        // The summary says where the data is: keep it after the run.
        System.setProperty("tether.embedded.keepData", "true");
        Path log = Path.of(System.getProperty("tether.local.log", "tether-local.log"))
                .toAbsolutePath();
        System.setProperty("tether.local.log", log.toString());
        if (java.util.Arrays.asList(args).contains("--handler-jar")) {
            HandlerJarRun.main(args, log);
            return;
        }
        Options options =
                CommandLine.parseOrExit(args, USAGE, VALUED, SWITCHES, 0, line -> read(line, System.getenv()));
        PrintStream console = System.out;
        // The handlers' metrics (EMF) go to standard output, as in Lambda: here, into the log file.
        System.setOut(new PrintStream(new FileOutputStream(log.toFile(), true), true, StandardCharsets.UTF_8));
        Report report = new LocalPipeline(options, console).run();
        console.println("  logs        " + log);
        System.exit(report.ok() ? 0 : 1);
    }

    /** Runs the pipeline to the end and prints the summary. */
    public Report run() throws Exception {
        long started = System.nanoTime();
        EmbeddedSqs embeddedSqs = null;
        LocalDatabase database = LocalDatabase.of(options.dbUrl(), options.dbUser(), options.dbPassword(), console);
        String url = database.url();
        String user = database.user();
        String password = database.password();
        String where = database.where();
        TetherSchema.migrate(url, user, password);
        URI endpoint;
        if (options.sqsEndpoint() == null) {
            embeddedSqs = EmbeddedSqs.start();
            endpoint = embeddedSqs.endpoint();
            console.println("Embedded SQS (ElasticMQ) at " + endpoint);
        } else {
            endpoint = options.sqsEndpoint().equals("aws") ? null : URI.create(options.sqsEndpoint());
        }
        try (SqsClient sqs = Sqs.client(endpoint)) {
            Sqs.Queues queues = Sqs.create(
                    sqs,
                    options.queueName(),
                    options.fifoGroups() > 0,
                    options.visibilityTimeoutSeconds(),
                    options.maxReceiveCount());
            Generated generated = EventGenerator.generate(
                    options.events(),
                    options.duplicateRate(),
                    options.poisonRate(),
                    options.fifoGroups(),
                    options.seed());
            String handlerUser = user;
            String handlerPassword = password;
            if (options.dbMaxConnections() > 0) {
                handlerUser = LIMITED_USER;
                handlerPassword = limitedLogin(url, user, password, options.dbMaxConnections());
                console.printf(
                        Locale.ROOT,
                        "Handlers log in as %s, limited to %d connections%n",
                        handlerUser,
                        options.dbMaxConnections());
            }
            String appUrl = url;
            String appUser = handlerUser;
            String appPassword = handlerPassword;
            EventSourceMappingEmulator.Settings settings = new EventSourceMappingEmulator.Settings(
                    options.pollers(),
                    options.batchSize(),
                    options.batchingWindowMillis(),
                    options.functionTimeoutMillis(),
                    options.concurrency());
            console.printf(
                    Locale.ROOT,
                    "Sending %,d events (%,d duplicates, %,d poison) to %s with %d pollers%n",
                    generated.messages().size(),
                    generated.duplicates(),
                    generated.poison(),
                    queues.url(),
                    options.pollers());
            OrderEventProducer producer = new OrderEventProducer(sqs, queues.url());
            long connectionsOpened;
            long deleted;
            long deadLettered;
            Load load;
            if (options.prefill()) {
                sendAll(producer, generated); // the queue holds everything before the first container starts
            }
            try (EventSourceMappingEmulator emulator = new EventSourceMappingEmulator(
                            sqs,
                            queues.url(),
                            queues.arn(),
                            settings,
                            () -> containers.create(
                                    appUrl,
                                    appUser,
                                    appPassword,
                                    options.dialect(),
                                    options.concurrency(),
                                    options.effectivePoolSize()))
                    .start()) {
                long draining = System.nanoTime();
                Thread sender = new Thread(
                        () -> {
                            if (!options.prefill()) {
                                sendAll(producer, generated);
                            }
                        },
                        "producer");
                sender.start();
                long deadline = System.currentTimeMillis() + options.timeoutSeconds() * 1000;
                Progress progress = new Progress(console, generated.messages().size(), options.progress());
                while (true) {
                    deleted = emulator.deleted();
                    deadLettered = Sqs.depth(sqs, queues.deadLetterUrl());
                    progress.show(deleted, deadLettered, emulator.reported());
                    boolean drained = !sender.isAlive()
                            && deleted + deadLettered >= generated.messages().size()
                            && Sqs.depth(sqs, queues.url()) == 0;
                    if (drained || emulator.crash() != null || System.currentTimeMillis() > deadline) {
                        break;
                    }
                    Thread.sleep(50);
                }
                double drainSeconds = (System.nanoTime() - draining) / 1e9;
                progress.done();
                if (emulator.crash() != null) {
                    throw new IllegalStateException("a poller crashed", emulator.crash());
                }
                List<Container> running =
                        emulator.handlers().stream().map(h -> (Container) h).toList();
                connectionsOpened =
                        running.stream().mapToLong(Container::connectionsOpened).sum();
                Map<String, Long> connectErrors = new TreeMap<>();
                running.forEach(c -> c.connectErrors().forEach((code, n) -> connectErrors.merge(code, n, Long::sum)));
                load = new Load(
                        emulator.invocations(),
                        emulator.wholeBatchFailures(),
                        emulator.invocationErrors(),
                        emulator.redeliveries(),
                        connectErrors,
                        emulator.latencyMillis(50),
                        emulator.latencyMillis(99),
                        drainSeconds,
                        emulator.firstPassDeleted(),
                        emulator.firstPassSeconds());
                running.forEach(Container::close);
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            Report report = verify(
                    url,
                    user,
                    password,
                    generated,
                    producer.sent(),
                    deleted,
                    deadLettered,
                    connectionsOpened,
                    seconds,
                    load);
            summary(report, generated, where, queues);
            return report;
        } finally {
            if (embeddedSqs != null) {
                embeddedSqs.close();
            }
        }
    }

    /**
     * Creates the handlers' login, allowed to read and write the pipeline's database and to hold {@code limit}
     * connections at once; returns its password.
     */
    private static String limitedLogin(String url, String adminUser, String adminPassword, int limit)
            throws SQLException {
        String password = UUID.randomUUID().toString();
        String database;
        try (Connection admin = DriverManager.getConnection(url, adminUser, adminPassword);
                Statement sql = admin.createStatement()) {
            database = admin.getCatalog();
            for (String host : List.of("%", "localhost")) {
                String account = "'" + LIMITED_USER + "'@'" + host + "'";
                sql.execute("DROP USER IF EXISTS " + account);
                sql.execute("CREATE USER " + account + " IDENTIFIED BY '" + password + "' WITH MAX_USER_CONNECTIONS "
                        + limit);
                sql.execute("GRANT SELECT, INSERT, UPDATE, DELETE ON `" + database + "`.* TO " + account);
            }
        }
        return password;
    }

    /** Several senders on a standard queue, as producers run in parallel; one on a FIFO queue, to keep order. */
    private void sendAll(OrderEventProducer producer, Generated generated) {
        List<OrderEventProducer.Outgoing> messages = generated.messages();
        int senders = options.fifoGroups() > 0 ? 1 : 4;
        List<Thread> threads = new ArrayList<>();
        int slice = (messages.size() + senders - 1) / senders;
        for (int from = 0; from < messages.size(); from += slice) {
            List<OrderEventProducer.Outgoing> part = messages.subList(from, Math.min(from + slice, messages.size()));
            Thread thread = new Thread(() -> producer.send(part), "producer-" + threads.size());
            threads.add(thread);
            thread.start();
        }
        for (Thread thread : threads) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private Report verify(
            String url,
            String user,
            String password,
            Generated generated,
            long sent,
            long deleted,
            long deadLettered,
            long connectionsOpened,
            double seconds,
            Load load)
            throws SQLException {
        List<String> mismatches = new ArrayList<>();
        Map<String, Long> rows = new LinkedHashMap<>();
        int balancesExact = 0;
        int balancesExpected;
        try (Connection connection = DriverManager.getConnection(url, user, password);
                Statement statement = connection.createStatement()) {
            for (String table : List.of("orders", "order_lines", "customer_balances", "idempotency_records")) {
                try (ResultSet rs = statement.executeQuery("SELECT COUNT(*) FROM " + table)) {
                    rs.next();
                    rows.put(table, rs.getLong(1));
                }
            }
            Map<String, Long> balances = new TreeMap<>();
            try (ResultSet rs =
                    statement.executeQuery("SELECT customer_id, currency, balance_cents FROM customer_balances")) {
                while (rs.next()) {
                    balances.put(rs.getString(1) + "|" + rs.getString(2), rs.getLong(3));
                }
            }
            Map<String, Long> expectedBalances = generated.expected().balances();
            balancesExpected = expectedBalances.size();
            for (Map.Entry<String, Long> balance : expectedBalances.entrySet()) {
                if (balance.getValue().equals(balances.get(balance.getKey()))) {
                    balancesExact++;
                }
            }
            if (!balances.equals(expectedBalances)) {
                mismatches.add("customer balances differ from the payments sent (each exactly once)");
            }
            Map<String, String> orders = new TreeMap<>();
            try (ResultSet rs = statement.executeQuery("SELECT o.order_id, o.status, o.version, COUNT(l.line_no)"
                    + " FROM orders o LEFT JOIN order_lines l ON l.order_id = o.order_id"
                    + " GROUP BY o.order_id, o.status, o.version")) {
                while (rs.next()) {
                    orders.put(rs.getString(1), rs.getString(2) + "|" + rs.getLong(3) + "|" + rs.getLong(4));
                }
            }
            if (!orders.equals(generated.expected().orders())) {
                mismatches.add("orders differ from the latest version of each order sent");
            }
        }
        if (sent != generated.messages().size()) {
            mismatches.add(
                    "the producer sent " + sent + " of " + generated.messages().size() + " messages");
        }
        if (deadLettered != generated.poison()) {
            mismatches.add("the dead-letter queue holds " + deadLettered + " messages; " + generated.poison()
                    + " poison messages were sent");
        }
        // Without a connection limit each classic container keeps the one connection it opened, and an environment
        // of concurrent invocations never opens more than its pool; under a limit they take turns, and only the data
        // decides.
        if (options.dbMaxConnections() == 0
                && (options.concurrency() == 1
                        ? connectionsOpened != options.pollers()
                        : connectionsOpened < options.pollers()
                                || connectionsOpened > (long) options.pollers() * options.effectivePoolSize())) {
            mismatches.add(connectionsOpened + " database connections were opened by " + options.pollers()
                    + " containers of " + options.effectivePoolSize() + " pooled connections each");
        }
        return new Report(
                sent,
                deleted,
                deadLettered,
                rows,
                connectionsOpened,
                mismatches,
                seconds,
                load,
                balancesExact,
                balancesExpected);
    }

    private void summary(Report report, Generated generated, String where, Sqs.Queues queues) {
        long unique = report.rows().getOrDefault("idempotency_records", 0L);
        console.println();
        console.printf(
                Locale.ROOT,
                "Tether local pipeline: %s in %.1f s%n",
                report.ok() ? "OK" : "MISMATCH",
                report.seconds());
        console.printf(
                Locale.ROOT,
                "  sent        %,d messages (%,d distinct events, %,d duplicates, %,d poison)%n",
                report.sent(),
                generated.unique(),
                generated.duplicates(),
                generated.poison());
        console.printf(
                Locale.ROOT,
                "  processed   %,d applied, %,d duplicates skipped, %,d in the dead-letter queue%n",
                unique,
                report.deleted() - unique,
                report.deadLettered());
        StringBuilder rows = new StringBuilder();
        report.rows().forEach((table, count) -> rows.append(String.format(Locale.ROOT, "%s %,d  ", table, count)));
        console.println("  rows        " + rows.toString().trim());
        console.printf(
                Locale.ROOT,
                "  throughput  %,.0f messages/s over the run; %,.0f/s on first receives (%,.1f s to"
                        + " drain the queue, redeliveries included)%n",
                report.sent() / report.seconds(),
                report.load().firstPassThroughput(),
                report.load().drainSeconds());
        console.printf(
                Locale.ROOT,
                "  connections %d opened by %d pollers%s%n",
                report.connectionsOpened(),
                options.pollers(),
                options.dbMaxConnections() > 0 ? " (at most " + options.dbMaxConnections() + " at a time)" : "");
        Load load = report.load();
        console.printf(
                Locale.ROOT,
                "  load        %,d invocations, %,d whole-batch failures (%,d thrown), %,d" + " redeliveries%n",
                load.invocations(),
                load.wholeBatchFailures(),
                load.invocationErrors(),
                load.redeliveries());
        console.println("  conn errors "
                + (load.connectErrors().isEmpty()
                        ? "none"
                        : load.connectErrors().entrySet().stream()
                                .map(e -> e.getKey() + " x" + e.getValue())
                                .collect(Collectors.joining(", "))));
        console.printf(
                Locale.ROOT,
                "  latency     p50 %.1f ms, p99 %.1f ms per invocation%n",
                load.p50Millis(),
                load.p99Millis());
        console.println("  database    " + where);
        console.println("  queues      " + queues.url() + " (dead letters: " + queues.deadLetterUrl() + ")");
        for (String mismatch : report.mismatches()) {
            console.println("  MISMATCH    " + mismatch);
        }
    }

    static final String USAGE = """
            usage: java -jar local/target/tether-local.jar [options]
            Runs the orders application; to run your own jar: --handler-jar JAR --handler CLASS --help
              --events N            messages to send (20000)
              --duplicates R        share of duplicates, 0..1 (0.02)
              --poison R            share of invalid messages, 0..1 (0.002)
              --fifo-groups N       use a FIFO queue with N message groups (0: standard queue)
              --pollers N           concurrent containers (4)
              --concurrency N       invocations each container runs at once, as Lambda Managed Instances run
                                    them (AWS_LAMBDA_MAX_CONCURRENCY): one handler instance per container, invoked
                                    from N threads (1: classic Lambda)
              --pool-size P         connections each container's pool holds (TETHER_DB_POOL_SIZE; default: Tether's
                                    default for the concurrency, never more than it)
              --batch-size N        messages per invocation (100)
              --window-ms N         batching window (200)
              --visibility-s N      visibility timeout of the queue (3)
              --max-receive N       receives before the dead-letter queue (2)
              --function-timeout-ms N   the time each invocation is given (60000, as serverless.yml); under
                                    --db-max-connections keep it at most a sixth of the visibility timeout, as AWS
                                    advises, or messages come back while a container still waits for a connection
              --db-max-connections C    the handlers log in as a user of their own limited to C connections
                                    (embedded database only); the pipeline's checks keep the admin login
              --db-url URL          a MySQL/MariaDB to use instead of the embedded one (or TETHER_DB_URL)
              --db-user U, --db-password P, --db-dialect MYSQL|MARIADB
              --sqs-endpoint URL    an SQS endpoint instead of the embedded one; 'aws' for AWS itself
              --queue NAME          queue name (tether-orders)
              --seed N              random seed (42)
              --timeout-s N         give up after N seconds (900)
              --prefill             send every message before the containers start (measures draining alone)
              --no-progress         no progress bar""";

    private static final Set<String> VALUED = Set.of(
            "--events",
            "--duplicates",
            "--poison",
            "--fifo-groups",
            "--pollers",
            "--batch-size",
            "--window-ms",
            "--visibility-s",
            "--max-receive",
            "--db-url",
            "--db-user",
            "--db-password",
            "--db-dialect",
            "--sqs-endpoint",
            "--queue",
            "--seed",
            "--timeout-s",
            "--function-timeout-ms",
            "--db-max-connections",
            "--concurrency",
            "--pool-size");

    private static final Set<String> SWITCHES = Set.of("--no-progress", "--prefill");

    /** The options {@code args} and the environment give; the database may also come from {@code TETHER_DB_*}. */
    public static Options parse(String[] args, Map<String, String> env) throws UsageException, HelpRequested {
        return read(CommandLine.parse(args, VALUED, SWITCHES, 0), env);
    }

    private static Options read(CommandLine line, Map<String, String> env) throws UsageException {
        Options o = Options.defaults();
        String dbUrl = line.text("--db-url", env.get("TETHER_DB_URL"));
        SQLDialect dialect = LocalDatabase.dialect(line, env, dbUrl);
        double duplicates = line.decimal("--duplicates", o.duplicateRate(), 0, 1);
        double poison = line.decimal("--poison", o.poisonRate(), 0, 1);
        if (duplicates + poison >= 1) {
            throw new UsageException("--duplicates and --poison must add up to less than 1");
        }
        int batchSize = LocalDatabase.batchSize(line, o.batchSize());
        int maxConnections = line.integer("--db-max-connections", 0, 0);
        if (maxConnections > 0 && dbUrl != null) {
            throw new UsageException("--db-max-connections creates a limited login on the embedded database;"
                    + " with --db-url, limit your handlers' login yourself (ALTER USER ... WITH MAX_USER_CONNECTIONS)");
        }
        return new Options(
                line.integer("--events", o.events(), 1),
                duplicates,
                poison,
                line.integer("--fifo-groups", o.fifoGroups(), 0),
                line.integer("--pollers", o.pollers(), 1),
                batchSize,
                line.number("--window-ms", o.batchingWindowMillis(), 0),
                line.integer("--visibility-s", o.visibilityTimeoutSeconds(), 1),
                line.integer("--max-receive", o.maxReceiveCount(), 1),
                dbUrl,
                line.text("--db-user", env.get("TETHER_DB_USER")),
                line.text("--db-password", env.get("TETHER_DB_PASSWORD")),
                dialect,
                line.text("--sqs-endpoint", null),
                line.text("--queue", o.queueName()),
                line.number("--seed", o.seed(), Long.MIN_VALUE),
                line.number("--timeout-s", o.timeoutSeconds(), 1),
                !line.flag("--no-progress"),
                maxConnections,
                line.number("--function-timeout-ms", o.functionTimeoutMillis(), 100),
                line.flag("--prefill"),
                line.integer("--concurrency", o.concurrency(), 1),
                line.integer("--pool-size", o.poolSize(), 1));
    }

    /** A progress bar on a terminal, a line every few seconds elsewhere. */
    private static final class Progress {
        private final PrintStream out;
        private final long total;
        private final boolean bar;
        private final long started = System.nanoTime();
        private long lastLine;

        Progress(PrintStream out, long total, boolean enabled) {
            this.out = out;
            this.total = total;
            this.bar = enabled && System.console() != null;
            this.lastLine = enabled ? 0 : Long.MAX_VALUE;
        }

        void show(long deleted, long deadLettered, long reported) {
            long done = deleted + deadLettered;
            double seconds = (System.nanoTime() - started) / 1e9;
            String figures = String.format(
                    Locale.ROOT,
                    "%,d/%,d done  %,d reported failed  %,d in DLQ  %,.0f msg/s",
                    done,
                    total,
                    reported,
                    deadLettered,
                    done / Math.max(seconds, 0.001));
            if (bar) {
                int width = 30;
                int filled = (int) Math.min(width, width * done / Math.max(total, 1));
                out.print("\r[" + "#".repeat(filled) + ".".repeat(width - filled) + "] " + figures + "   ");
                out.flush();
            } else if (System.currentTimeMillis() - lastLine >= 2_000) {
                out.println(figures);
                lastLine = System.currentTimeMillis();
            }
        }

        void done() {
            if (bar) {
                out.println();
            }
        }
    }
}
