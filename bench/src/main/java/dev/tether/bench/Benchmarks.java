package dev.tether.bench;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import dev.tether.embedded.EmbeddedMariaDb;
import dev.tether.examples.inventory.InventoryHandler;
import dev.tether.lambda.InvocationContext;
import dev.tether.lambda.config.IdempotencySettings;
import dev.tether.lambda.config.IdempotencySettings.Mode;
import dev.tether.lambda.config.TetherConfig;
import dev.tether.local.CommandLine;
import dev.tether.processor.handler.CustomerStreamHandler;
import dev.tether.processor.handler.OrderEventsHandler;
import dev.tether.schema.TetherSchema;
import java.io.ByteArrayInputStream;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.jooq.SQLDialect;

/**
 * Every comparison in one run, interleaved (each round runs every scenario at every size, in a shuffled order),
 * reported as medians over the rounds and as ratios to the limit measured in the same run: these machines are noisy,
 * so single timings mean little and ratios from one run mean much more.
 *
 * <p>Usage: {@code java -jar bench/target/tether-bench.jar [--rounds N] [--db-url URL --db-user U --db-password P
 * --db-dialect D] [--out docs/PERFORMANCE.md]}.
 */
public final class Benchmarks {

    private static final int[] SIZES = {1, 10, 100, 1_000};
    private static final int STREAM_LARGE = 10_000;
    /** Records per block of invocations, spread over the batches of one size, and the time a block may take. */
    private static final int BLOCK_RECORDS = 500;

    private static final double BLOCK_MILLIS = 1_000;

    /** Events per row of the pool-size section. */
    private static final int POOL_EVENTS = 8_000;

    private static final String FLOOR = "floor for exactly-once: plain JDBC, records insert + upsert";
    private static final String INVENTORY_LIMIT = "inventory limit: plain JDBC, one multi-row upsert";
    private static final String INVENTORY_OFF = "Tether inventory route (default record binding), idempotency off";
    private static final String INVENTORY_TRANSACTIONAL =
            "Tether inventory route (default record binding), transactional idempotency";

    private interface Scenario {
        /** Prepares an invocation of {@code size} records (outside the timing) and returns it. */
        Runnable prepare(int size) throws Exception;
    }

    private Benchmarks() {}

    static final String USAGE = """
            usage: java -jar bench/target/tether-bench.jar [options]
              --rounds N            measured rounds after two warm-up rounds (7)
              --out FILE            the report to write; notes after its notes marker are kept (docs/PERFORMANCE.md)
              --db-url URL          a MySQL/MariaDB to measure instead of the embedded one
              --db-user U, --db-password P, --db-dialect MYSQL|MARIADB
              --load                the load section instead: 1 to 32 containers on 8 connections, Tether and the
                                    naive handler, and Lambda Managed Instances (environments x concurrent
                                    invocations on pools) on the same 8 connections, through the local pipeline;
                                    rewrites only that section of --out; exits 1 if a Managed Instances row loses,
                                    repeats or dead-letters a valid event
              --quick               with --load: a short run of the same path (a few rows, 1,200 events)
            About 6 minutes on 2 cores with the defaults; --load about 7 more.""";

    private record Options(
            int rounds,
            Path out,
            String dbUrl,
            String dbUser,
            String dbPassword,
            SQLDialect dialect,
            boolean load,
            boolean quick) {}

    /** Notes written by people follow this marker in the report and survive a new run. */
    private static final String NOTES_MARKER = "<!-- notes: kept across runs -->";

    /** The load section alone, written into {@code out} in place of the last one; the rest of the report stays. */
    private static void runLoad(Path out, String[] args, boolean quick) throws Exception {
        System.setProperty("tether.log.level", "ERROR");
        java.io.PrintStream console = System.out;
        System.setOut(new java.io.PrintStream(java.io.OutputStream.nullOutputStream()));
        List<LoadRun.Row> rows = LoadRun.run(System.err, quick ? LoadRun.Scale.quick() : LoadRun.Scale.full());
        String section = LoadRun.markdown(rows, "java -jar bench/target/tether-bench.jar " + String.join(" ", args));
        String document = Files.exists(out) ? Files.readString(out) : "# Performance\n\n";
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, LoadRun.withSection(document, section, NOTES_MARKER));
        console.println(section);
        List<LoadRun.Row> failures = LoadRun.managedFailures(rows);
        if (!failures.isEmpty()) {
            console.println(
                    "FAILED: Managed Instances rows that lost, repeated or dead-lettered a valid event: " + failures);
            System.exit(1);
        }
        System.exit(0);
    }

    private static Options options(CommandLine line) throws CommandLine.UsageException {
        String url = line.text("--db-url", null);
        String dialect =
                line.text("--db-dialect", url == null ? "MARIADB" : "MYSQL").toUpperCase(Locale.ROOT);
        if (!dialect.equals("MYSQL") && !dialect.equals("MARIADB")) {
            throw new CommandLine.UsageException("--db-dialect must be MYSQL or MARIADB; got '" + dialect + "'");
        }
        if (line.flag("--quick") && !line.flag("--load")) {
            throw new CommandLine.UsageException("--quick goes with --load");
        }
        if (line.flag("--load") && url != null) {
            throw new CommandLine.UsageException(
                    "--load runs on the embedded MariaDB, whose connections it limits;" + " it takes no --db-url");
        }
        return new Options(
                line.integer("--rounds", 7, 1),
                Path.of(line.text("--out", "docs/PERFORMANCE.md")),
                url,
                line.text("--db-user", null),
                line.text("--db-password", null),
                SQLDialect.valueOf(dialect),
                line.flag("--load"),
                line.flag("--quick"));
    }

    public static void main(String[] args) throws Exception {
        Options options = CommandLine.parseOrExit(
                args,
                USAGE,
                Set.of("--rounds", "--out", "--db-url", "--db-user", "--db-password", "--db-dialect"),
                Set.of("--load", "--quick"),
                0,
                Benchmarks::options);
        try {
            if (options.load()) {
                runLoad(options.out(), args, options.quick());
                return;
            }
            measure(options, args);
        } catch (Throwable failure) {
            // The embedded servers' threads would keep the JVM alive: a run that fails says so and ends.
            System.err.println("the benchmark failed: " + failure);
            failure.printStackTrace();
            System.exit(1);
        }
    }

    private static void measure(Options options, String[] args) throws Exception {
        System.setProperty("tether.log.level", "ERROR");
        java.io.PrintStream console = System.out;
        // The handlers' metrics (EMF) go to standard output, as in Lambda: here, away from the report.
        System.setOut(new java.io.PrintStream(java.io.OutputStream.nullOutputStream()));
        int rounds = options.rounds();
        Path out = options.out();
        String url = options.dbUrl();
        String user = options.dbUser();
        String password = options.dbPassword();
        SQLDialect dialect = options.dialect();
        String where = "given by --db-url, with its own durability settings";
        if (url == null) {
            EmbeddedMariaDb db = EmbeddedMariaDb.shared();
            db.recreateDatabase("tether_bench");
            url = db.jdbcUrl("tether_bench");
            user = db.user();
            password = db.password();
            // The embedded server starts with relaxed durability for test speed; measure with what RDS and Aurora
            // run: the redo log written and flushed at every commit.
            try (Connection c = DriverManager.getConnection(url, user, password)) {
                c.createStatement().execute("SET GLOBAL innodb_flush_log_at_trx_commit = 1");
            }
            where = "embedded, over loopback; durable commits: innodb_flush_log_at_trx_commit = 1, the RDS and Aurora"
                    + " default";
        }
        migrateOrders(url, user, password);
        // Migrated above: this classpath holds two applications, whose V1 files would collide in one Flyway scan.
        TetherConfig base = TetherConfig.of(url, user, password, dialect).withMigrate(false);
        String serverVersion;
        try (Connection c = DriverManager.getConnection(url, user, password);
                ResultSet rs = c.createStatement().executeQuery("SELECT VERSION()")) {
            rs.next();
            serverVersion = rs.getString(1);
        }

        Connection limitConnection = DriverManager.getConnection(url, user, password);
        limitConnection.setAutoCommit(false);
        OrderEventsHandler none = new OrderEventsHandler(
                base.withIdempotency(IdempotencySettings.defaults().withMode(Mode.NONE)));
        OrderEventsHandler transactional = new OrderEventsHandler(base);
        OrderEventsHandler perRecord = new OrderEventsHandler(
                base.withIdempotency(IdempotencySettings.defaults().withMode(Mode.POWERTOOLS_MYSQL)));
        CustomerStreamHandler stream = new CustomerStreamHandler(base);
        // The inventory example's table, from its own migration (its V1 and the orders' V1 cannot share one history).
        try (Connection c = DriverManager.getConnection(url, user, password);
                java.io.InputStream ddl =
                        Benchmarks.class.getClassLoader().getResourceAsStream("db/migration/V1__inventory.sql")) {
            c.createStatement().execute(new String(ddl.readAllBytes(), StandardCharsets.UTF_8));
        }
        InventoryHandler inventoryOff = new InventoryHandler(base.withMigrate(false)
                .withIdempotency(IdempotencySettings.defaults().withMode(Mode.NONE)));
        InventoryHandler inventoryTransactional = new InventoryHandler(base.withMigrate(false));
        String dbUrl = url, dbUser = user, dbPassword = password;
        long[] sequence = {1_000_000};

        Map<String, Scenario> scenarios = new LinkedHashMap<>();
        scenarios.put("limit: plain JDBC, one multi-row upsert", size -> limit(limitConnection, size));
        scenarios.put(
                "naive: connection per invocation, statement per record",
                size -> naive(dbUrl, dbUser, dbPassword, size));
        scenarios.put(FLOOR, size -> exactlyOnceFloor(limitConnection, size));
        scenarios.put("Tether, idempotency off", size -> invoke(none, size));
        scenarios.put("Tether, transactional idempotency", size -> invoke(transactional, size));
        scenarios.put("Powertools per-record idempotency (powertools-mysql)", size -> invoke(perRecord, size));
        scenarios.put(INVENTORY_LIMIT, size -> inventoryLimit(limitConnection, size));
        scenarios.put(INVENTORY_OFF, size -> invokeInventory(inventoryOff, size));
        scenarios.put(INVENTORY_TRANSACTIONAL, size -> invokeInventory(inventoryTransactional, size));
        scenarios.put(
                "stream limit: plain JDBC, one multi-row upsert", size -> streamLimit(limitConnection, size, sequence));
        scenarios.put("Tether stream handler", size -> {
            DynamodbEvent event = LambdaEventSerializers.serializerFor(
                            DynamodbEvent.class, Benchmarks.class.getClassLoader())
                    .fromJson(new ByteArrayInputStream(
                            Events.streamJson(size, sequence[0] += size).getBytes(StandardCharsets.UTF_8)));
            return () -> check(stream.handleRequest(event, new InvocationContext("tether-bench", 60_000))
                    .getBatchItemFailures()
                    .isEmpty());
        });

        Map<String, Map<Integer, List<Double>>> samples = new LinkedHashMap<>();
        Random random = new Random(1);
        for (int round = -2; round < rounds; round++) {
            for (int size : allSizes()) {
                List<String> order = new ArrayList<>(scenarios.keySet());
                Collections.shuffle(order, random);
                for (String name : order) {
                    if (size == STREAM_LARGE && !name.toLowerCase(Locale.ROOT).contains("stream")) {
                        continue;
                    }
                    // A block of consecutive invocations, as one container runs them; the first only switches over
                    // from the previous scenario (caches, branch history) and is not counted.
                    // Blocks start on a collected heap, so that a pause for the previous block's garbage does not
                    // land in this one; a block ends after BLOCK_RECORDS records (at least 3 invocations) or once
                    // it has run for BLOCK_MILLIS.
                    System.gc();
                    int planned = Math.max(3, BLOCK_RECORDS / size);
                    int counted = 0;
                    double total = 0;
                    for (int r = 0; r <= planned && (counted < 3 || total < BLOCK_MILLIS); r++) {
                        Runnable invocation = scenarios.get(name).prepare(size);
                        long started = System.nanoTime();
                        invocation.run();
                        if (r > 0) {
                            total += (System.nanoTime() - started) / 1e6;
                            counted++;
                        }
                    }
                    if (round >= 0) {
                        samples.computeIfAbsent(name, k -> new LinkedHashMap<>())
                                .computeIfAbsent(size, k -> new ArrayList<>())
                                .add(total / counted);
                    }
                }
            }
            System.err.println("round " + (round + 1) + " of " + rounds + (round < 0 ? " (warm-up)" : ""));
        }
        limitConnection.close();
        none.close();
        transactional.close();
        perRecord.close();
        stream.close();

        Map<String, double[]> cold = coldStarts(url, user, password, dialect);
        double peakHeap = streamPeakHeap(url, user, password, dialect);
        String report =
                report(samples, cold, peakHeap, rounds, serverVersion + " (" + where + ")", String.join(" ", args));
        if (options.dbUrl() == null) {
            // Lambda Managed Instances: one environment, 8 invocations at once, pools of 1 to 8 (embedded only: the
            // local pipeline runs on it).
            report = report + LoadRun.poolMarkdown(LoadRun.poolSizes(System.err, POOL_EVENTS));
            // It raises the server's max_connections: the embedded server's only.
            report = report + ConnectionCheckCost.markdown(ConnectionCheckCost.measure(url, user, password));
        }
        Files.createDirectories(out.toAbsolutePath().getParent());
        // The load section (written by --load) and the notes written by people survive a new run.
        if (Files.exists(out)) {
            String old = Files.readString(out);
            int start = old.indexOf(LoadRun.START);
            int end = old.indexOf(LoadRun.END);
            if (start >= 0 && end > start) {
                report = report + "\n" + old.substring(start, end + LoadRun.END.length()) + "\n";
            }
            if (old.contains(NOTES_MARKER)) {
                report = report + "\n" + old.substring(old.indexOf(NOTES_MARKER));
            }
        }
        Files.writeString(out, report);
        console.println(report);
        System.exit(0);
    }

    /**
     * The orders schema and Tether's own, seeing only their two jars: the inventory example on the bench's classpath
     * has a {@code V1} of its own in {@code db/migration}.
     */
    private static void migrateOrders(String url, String user, String password) throws Exception {
        java.net.URL[] jars = {
            TetherSchema.class.getProtectionDomain().getCodeSource().getLocation(),
            dev.tether.lambda.link.Migrations.class
                    .getProtectionDomain()
                    .getCodeSource()
                    .getLocation()
        };
        com.mysql.cj.jdbc.MysqlDataSource dataSource = new com.mysql.cj.jdbc.MysqlDataSource();
        dataSource.setUrl(url);
        dataSource.setUser(user);
        dataSource.setPassword(password);
        ClassLoader previous = Thread.currentThread().getContextClassLoader();
        try (java.net.URLClassLoader only = new java.net.URLClassLoader(jars, ClassLoader.getPlatformClassLoader())) {
            Thread.currentThread().setContextClassLoader(only);
            TetherSchema.migrate(dataSource);
        } finally {
            Thread.currentThread().setContextClassLoader(previous);
        }
    }

    private static int[] allSizes() {
        int[] sizes = Arrays.copyOf(SIZES, SIZES.length + 1);
        sizes[SIZES.length] = STREAM_LARGE;
        return sizes;
    }

    private static Runnable limit(Connection connection, int size) throws Exception {
        StringBuilder sql =
                new StringBuilder("INSERT INTO customer_balances (customer_id, currency, balance_cents) VALUES ");
        for (int i = 0; i < size; i++) {
            sql.append(i > 0 ? ",(?,?,?)" : "(?,?,?)");
        }
        sql.append(" ON DUPLICATE KEY UPDATE balance_cents = balance_cents + VALUES(balance_cents)");
        String text = sql.toString();
        return () -> run(() -> {
            try (PreparedStatement statement = connection.prepareStatement(text)) {
                for (int i = 0; i < size; i++) {
                    statement.setString(3 * i + 1, "bench-cus-" + (i % 100));
                    statement.setString(3 * i + 2, "EUR");
                    statement.setLong(3 * i + 3, 1);
                }
                statement.executeUpdate();
                connection.commit();
            }
        });
    }

    /**
     * The least work exactly-once needs on this schema, in plain JDBC: one multi-row insert of the batch's
     * idempotency records (new keys, as Tether writes them) and the limit's upsert, in one transaction. No lookup,
     * no parsing: what no implementation of the guarantee can go below.
     */
    private static Runnable exactlyOnceFloor(Connection connection, int size) throws Exception {
        StringBuilder records = new StringBuilder("INSERT INTO idempotency_records (id, status, expiration,"
                + " in_progress_expiration, response_data, payload_hash) VALUES ");
        StringBuilder balances =
                new StringBuilder("INSERT INTO customer_balances (customer_id, currency, balance_cents) VALUES ");
        for (int i = 0; i < size; i++) {
            records.append(i > 0 ? ",(?,?,?,?,?,?)" : "(?,?,?,?,?,?)");
            balances.append(i > 0 ? ",(?,?,?)" : "(?,?,?)");
        }
        balances.append(" ON DUPLICATE KEY UPDATE balance_cents = balance_cents + VALUES(balance_cents)");
        List<String> ids = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            ids.add("tether-bench.apply#"
                    + java.util.UUID.randomUUID().toString().replace("-", ""));
        }
        Collections.sort(ids);
        long expiration =
                java.time.Instant.now().plus(java.time.Duration.ofDays(14)).getEpochSecond();
        return () -> run(() -> {
            try (PreparedStatement insert = connection.prepareStatement(records.toString());
                    PreparedStatement upsert = connection.prepareStatement(balances.toString())) {
                for (int i = 0; i < size; i++) {
                    int p = 6 * i;
                    insert.setString(p + 1, ids.get(i));
                    insert.setString(p + 2, "COMPLETED");
                    insert.setLong(p + 3, expiration);
                    insert.setNull(p + 4, java.sql.Types.BIGINT);
                    insert.setString(p + 5, "applied");
                    insert.setString(p + 6, "0123456789abcdef0123456789abcdef");
                    upsert.setString(3 * i + 1, "bench-cus-" + (i % 100));
                    upsert.setString(3 * i + 2, "EUR");
                    upsert.setLong(3 * i + 3, 1);
                }
                insert.executeUpdate();
                upsert.executeUpdate();
                connection.commit();
            }
        });
    }

    private static Runnable streamLimit(Connection connection, int size, long[] sequence) throws Exception {
        StringBuilder sql =
                new StringBuilder("INSERT INTO customers (customer_id, email, name, tier, credit_limit, tags,"
                        + " address, marketing_opt_in, updated_at, stream_sequence, deleted) VALUES ");
        for (int i = 0; i < size; i++) {
            sql.append(i > 0 ? ",(?,?,?,?,?,?,?,?,?,?,?)" : "(?,?,?,?,?,?,?,?,?,?,?)");
        }
        sql.append(" ON DUPLICATE KEY UPDATE email = VALUES(email), name = VALUES(name), tier = VALUES(tier),"
                + " credit_limit = VALUES(credit_limit), tags = VALUES(tags), address = VALUES(address),"
                + " marketing_opt_in = VALUES(marketing_opt_in), updated_at = VALUES(updated_at),"
                + " deleted = VALUES(deleted), stream_sequence = VALUES(stream_sequence)");
        String text = sql.toString();
        long first = sequence[0] += size;
        return () -> run(() -> {
            try (PreparedStatement statement = connection.prepareStatement(text)) {
                for (int i = 0; i < size; i++) {
                    int p = 11 * i;
                    String key = "limit-" + ((first + i) % 50_000);
                    statement.setString(p + 1, key);
                    statement.setString(p + 2, key + "@example.com");
                    statement.setString(p + 3, "Customer " + i);
                    statement.setString(p + 4, "GOLD");
                    statement.setBigDecimal(p + 5, new java.math.BigDecimal(i + ".25"));
                    statement.setString(p + 6, "[\"a\",\"b\"]");
                    statement.setString(p + 7, "{\"street\":\"Main St " + i + "\",\"zip\":12345}");
                    statement.setBoolean(p + 8, true);
                    statement.setObject(p + 9, java.time.LocalDateTime.of(2026, 11, 26, 10, 15, 30));
                    statement.setBigDecimal(p + 10, java.math.BigDecimal.valueOf(first + i));
                    statement.setBoolean(p + 11, false);
                }
                statement.executeUpdate();
                connection.commit();
            }
        });
    }

    private static Runnable naive(String url, String user, String password, int size) {
        return () -> run(() -> {
            try (Connection connection = DriverManager.getConnection(url, user, password);
                    PreparedStatement statement = connection.prepareStatement("INSERT INTO customer_balances"
                            + " (customer_id, currency, balance_cents) VALUES (?,?,?)"
                            + " ON DUPLICATE KEY UPDATE balance_cents = balance_cents + VALUES(balance_cents)")) {
                for (int i = 0; i < size; i++) {
                    statement.setString(1, "bench-cus-" + (i % 100));
                    statement.setString(2, "EUR");
                    statement.setLong(3, 1);
                    statement.executeUpdate();
                }
            }
        });
    }

    /** The inventory example's own limit: its one upsert, in plain JDBC. */
    private static Runnable inventoryLimit(Connection connection, int size) throws Exception {
        StringBuilder sql = new StringBuilder("INSERT INTO inventory (sku, warehouse, quantity) VALUES ");
        for (int i = 0; i < size; i++) {
            sql.append(i > 0 ? ",(?,?,?)" : "(?,?,?)");
        }
        sql.append(" ON DUPLICATE KEY UPDATE quantity = quantity + VALUES(quantity)");
        String text = sql.toString();
        return () -> run(() -> {
            try (PreparedStatement statement = connection.prepareStatement(text)) {
                for (int i = 0; i < size; i++) {
                    statement.setString(3 * i + 1, "bench-sku-" + (i % 100));
                    statement.setString(3 * i + 2, "ams");
                    statement.setLong(3 * i + 3, 1);
                }
                statement.executeUpdate();
                connection.commit();
            }
        });
    }

    private static Runnable invokeInventory(InventoryHandler handler, int size) {
        SQSEvent event = LambdaEventSerializers.serializerFor(SQSEvent.class, Benchmarks.class.getClassLoader())
                .fromJson(new ByteArrayInputStream(
                        Events.sqsJson(Events.adjustments(size)).getBytes(StandardCharsets.UTF_8)));
        return () -> check(handler.handleRequest(event, new InvocationContext("tether-bench", 60_000))
                .getBatchItemFailures()
                .isEmpty());
    }

    private static Runnable invoke(OrderEventsHandler handler, int size) {
        SQSEvent event = LambdaEventSerializers.serializerFor(SQSEvent.class, Benchmarks.class.getClassLoader())
                .fromJson(new ByteArrayInputStream(
                        Events.sqsJson(Events.payments(size, "b")).getBytes(StandardCharsets.UTF_8)));
        return () -> check(handler.handleRequest(event, new InvocationContext("tether-bench", 60_000))
                .getBatchItemFailures()
                .isEmpty());
    }

    private interface SqlWork {
        void run() throws Exception;
    }

    private static void run(SqlWork work) {
        try {
            work.run();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void check(boolean ok) {
        if (!ok) {
            throw new IllegalStateException("a benchmark batch reported failures");
        }
    }

    /** A way to start a container: its JVM options and whether Tether primes at init. */
    /** A way to start a container: JVM options, priming, and whether init migrates (the default does). */
    private record ColdVariant(String label, List<String> jvmArgs, boolean prime, boolean migrate) {}

    private static final List<ColdVariant> COLD_VARIANTS = List.of(
            new ColdVariant("defaults (migrations checked at init)", List.of(), false, true),
            // As serverless.yml deploys: migrations from a deploy step, not in the container's init.
            new ColdVariant("migrations from a deploy step (TETHER_DB_MIGRATE=false)", List.of(), false, false),
            new ColdVariant("+ priming at init (TETHER_PRIME=true)", List.of(), true, false),
            // AWS's advice for short-lived functions: stop at the C1 compiler, which compiles sooner.
            new ColdVariant(
                    "+ priming + C1 only (-XX:TieredStopAtLevel=1)",
                    List.of("-XX:+TieredCompilation", "-XX:TieredStopAtLevel=1"),
                    true,
                    false));

    /** Fresh JVMs on the deployable jar, three per variant; medians of JVM start, init, first batch, steady batch. */
    private static Map<String, double[]> coldStarts(String url, String user, String password, SQLDialect dialect)
            throws Exception {
        Map<String, double[]> result = new LinkedHashMap<>();
        for (ColdVariant variant : COLD_VARIANTS) {
            List<double[]> runs = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                String line = probe(
                        variant.jvmArgs(),
                        "orders",
                        url,
                        user,
                        password,
                        dialect,
                        String.valueOf(variant.prime()),
                        variant.migrate());
                runs.add(new double[] {
                    value(line, "jvmStartMs"),
                    value(line, "initMs"),
                    value(line, "firstBatchMs"),
                    value(line, "steadyMs")
                });
            }
            double[] medians = new double[4];
            for (int k = 0; k < medians.length; k++) {
                int index = k;
                medians[k] = median(runs.stream().map(r -> r[index]).toList());
            }
            result.put(variant.label(), medians);
        }
        return result;
    }

    private static double streamPeakHeap(String url, String user, String password, SQLDialect dialect)
            throws Exception {
        String line = probe(List.of("-Xmx256m"), "stream-memory", url, user, password, dialect, "false", false);
        return value(line, "peakHeapMb");
    }

    private static String probe(
            List<String> jvmArgs,
            String mode,
            String url,
            String user,
            String password,
            SQLDialect dialect,
            String prime,
            boolean migrate)
            throws Exception {
        Path processorJar = Path.of("processor", "target", "processor.jar");
        String serialization = Path.of(com.amazonaws.services.lambda.runtime.serialization.PojoSerializer.class
                        .getProtectionDomain()
                        .getCodeSource()
                        .getLocation()
                        .toURI())
                .toString();
        String probeClasses = probeClasses().toString();
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmArgs);
        command.addAll(List.of(
                "-cp",
                processorJar + File.pathSeparator + serialization + File.pathSeparator + probeClasses,
                ColdStartProbe.class.getName(),
                mode));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("TETHER_DB_URL", url);
        builder.environment().put("TETHER_DB_USER", user);
        builder.environment().put("TETHER_DB_PASSWORD", password == null ? "" : password);
        builder.environment().put("TETHER_DB_DIALECT", dialect.name());
        builder.environment().put("TETHER_PRIME", prime);
        if (migrate) {
            builder.environment().remove("TETHER_DB_MIGRATE"); // the default: init checks and applies migrations
        } else {
            builder.environment().put("TETHER_DB_MIGRATE", "false");
        }
        builder.environment().put("POWERTOOLS_LOG_LEVEL", "ERROR");
        Path log = Files.createTempFile("probe", ".log");
        Process process = builder.redirectOutput(log.toFile()).start();
        if (!process.waitFor(180, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("probe timed out");
        }
        String output = Files.readString(log);
        return output.lines()
                .filter(l -> l.startsWith("PROBE "))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("probe failed:\n" + output));
    }

    /**
     * A directory holding the probe's classes alone: the bench jar's manifest would bring every library of the bench
     * onto the probe's classpath (the inventory example's migrations among them), where only processor.jar belongs.
     */
    private static Path probeClasses() throws Exception {
        Path dir = Files.createTempDirectory("tether-probe");
        // The bench's own classes (the probe uses Events); nothing of its libraries.
        String prefix = ColdStartProbe.class.getPackageName().replace('.', '/') + "/";
        Path source = Path.of(ColdStartProbe.class
                .getProtectionDomain()
                .getCodeSource()
                .getLocation()
                .toURI());
        if (Files.isDirectory(source)) {
            return source;
        }
        try (java.util.zip.ZipFile jar = new java.util.zip.ZipFile(source.toFile())) {
            for (var entry : java.util.Collections.list(jar.entries())) {
                if (entry.getName().startsWith(prefix) && entry.getName().endsWith(".class")) {
                    Path target = dir.resolve(entry.getName());
                    Files.createDirectories(target.getParent());
                    try (var in = jar.getInputStream(entry)) {
                        Files.copy(in, target);
                    }
                }
            }
        }
        return dir;
    }

    private static double value(String line, String key) {
        for (String part : line.split(" ")) {
            if (part.startsWith(key + "=")) {
                return Double.parseDouble(part.substring(key.length() + 1));
            }
        }
        throw new IllegalArgumentException(key + " missing in " + line);
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    private static String report(
            Map<String, Map<Integer, List<Double>>> samples,
            Map<String, double[]> cold,
            double peakHeap,
            int rounds,
            String serverVersion,
            String args)
            throws Exception {
        StringBuilder md = new StringBuilder();
        md.append("# Performance\n\n");
        md.append("Written by `java -jar bench/target/tether-bench.jar")
                .append(args.isEmpty() ? "" : " " + args)
                .append("` (see README). One run; every scenario interleaved with the others in each of ")
                .append(rounds)
                .append(" rounds (after 2 warm-up rounds), in a shuffled order. In a round a scenario"
                        + " runs as a block of consecutive invocations, as one container runs them (max(3, 500 / size)"
                        + " counted, or fewer once a block has run for a second, after one that is not); times are medians over the rounds of the block means, in"
                        + " ms per batch, and ratios are to the limit measured in the same run.\n\n");
        md.append("- Machine: ")
                .append(Runtime.getRuntime().availableProcessors())
                .append(" cores, ")
                .append(cpuModel())
                .append(", ")
                .append(Runtime.getRuntime().maxMemory() / 1048576)
                .append(" MB max heap for the benchmark JVM\n");
        md.append("- Java ")
                .append(System.getProperty("java.version"))
                .append(", database server ")
                .append(serverVersion)
                .append(", ")
                .append(java.time.LocalDate.now())
                .append("\n\n");
        String limit = "limit: plain JDBC, one multi-row upsert";
        md.append("## Order handler (batches of PaymentCaptured messages)\n\n");
        md.append("| scenario | 1 | 10 | 100 | 1,000 |\n|---|---|---|---|---|\n");
        for (var entry : samples.entrySet()) {
            String lower = entry.getKey().toLowerCase(Locale.ROOT);
            if (lower.contains("stream") || lower.contains("inventory")) {
                continue;
            }
            md.append("| ").append(entry.getKey());
            for (int size : SIZES) {
                double ms = median(entry.getValue().get(size));
                double ratio = ms / median(samples.get(limit).get(size));
                md.append(String.format(Locale.ROOT, " | %.2f ms (%.2f×)", ms, ratio));
            }
            md.append(" |\n");
        }
        md.append("\n## Inventory route (examples/inventory: batches of InventoryAdjusted, the default record binding)"
                + "\n\nRatios are to the inventory table's own limit, the same upsert in plain JDBC: what a route built on"
                + " the library's defaults costs.\n\n");
        md.append("| scenario | 1 | 10 | 100 | 1,000 |\n|---|---|---|---|---|\n");
        for (String name : List.of(INVENTORY_LIMIT, INVENTORY_OFF, INVENTORY_TRANSACTIONAL)) {
            md.append("| ").append(name);
            for (int size : SIZES) {
                double ms = median(samples.get(name).get(size));
                md.append(String.format(
                        Locale.ROOT,
                        " | %.2f ms (%.2f×)",
                        ms,
                        ms / median(samples.get(INVENTORY_LIMIT).get(size))));
            }
            md.append(" |\n");
        }
        String streamLimit = "stream limit: plain JDBC, one multi-row upsert";
        md.append("\n## Stream handler (batches of MODIFY records, Customers table)\n\n");
        md.append("| scenario | 1 | 10 | 100 | 1,000 | 10,000 |\n|---|---|---|---|---|---|\n");
        for (String name : List.of(streamLimit, "Tether stream handler")) {
            md.append("| ").append(name);
            for (int size : allSizes()) {
                double ms = median(samples.get(name).get(size));
                md.append(String.format(
                        Locale.ROOT,
                        " | %.2f ms (%.2f×)",
                        ms,
                        ms / median(samples.get(streamLimit).get(size))));
            }
            md.append(" |\n");
        }
        md.append("\n## Cold start (fresh JVM on processor.jar, first committed batch of 10; medians of 3)\n\n");
        md.append("| container start | JVM start | handler init (link, jOOQ, JSON) | first batch | to first commit"
                + " | later batches of 100 (median) |\n|---|---|---|---|---|---|\n");
        for (var entry : cold.entrySet()) {
            double[] m = entry.getValue();
            md.append(String.format(
                    Locale.ROOT,
                    "| %s | %.0f ms | %.0f ms | %.0f ms | %.0f ms | %.2f ms |%n",
                    entry.getKey(),
                    m[0],
                    m[1],
                    m[2],
                    m[0] + m[1] + m[2],
                    m[3]));
        }
        md.append(String.format(
                Locale.ROOT,
                "%n## Memory%n%nPeak heap during one 10,000-record stream batch (fresh JVM"
                        + " with -Xmx256m; sum of the heap pools' peaks, garbage included): %.0f MB.%n",
                peakHeap));
        md.append("\n## Targets\n\n");
        md.append("| target | measured |\n|---|---|\n");
        String off = "Tether, idempotency off";
        String transactional = "Tether, transactional idempotency";
        String perRecord = "Powertools per-record idempotency (powertools-mysql)";
        String naive = "naive: connection per invocation, statement per record";
        for (int size : new int[] {100, 1_000}) {
            target(
                    md,
                    String.format(Locale.ROOT, "Tether without idempotency ≤ 1.25× the limit at %,d", size),
                    ratio(samples, off, limit, size));
        }
        for (int size : new int[] {100, 1_000}) {
            target(
                    md,
                    String.format(Locale.ROOT, "Tether transactional idempotency ≤ 2.5× the limit at %,d", size),
                    ratio(samples, transactional, limit, size));
            target(
                    md,
                    String.format(Locale.ROOT, "(for reference) the exactly-once floor, plain JDBC, at %,d", size),
                    ratio(samples, FLOOR, limit, size));
            target(
                    md,
                    String.format(Locale.ROOT, "Tether transactional ≤ 1.5× that exactly-once floor at %,d", size),
                    ratio(samples, transactional, FLOOR, size));
        }
        for (int size : new int[] {100, 1_000}) {
            target(
                    md,
                    String.format(Locale.ROOT, "inventory route, idempotency off, ≤ 1.25× its own limit at %,d", size),
                    ratio(samples, INVENTORY_OFF, INVENTORY_LIMIT, size));
        }
        for (int size : new int[] {10, 100, 1_000}) {
            md.append(String.format(
                    Locale.ROOT,
                    "| transactional ≥ 20× faster than per-record idempotency (at 100);" + " at %,d | %.1f× faster |%n",
                    size,
                    ratio(samples, perRecord, transactional, size)));
        }
        md.append(String.format(
                Locale.ROOT,
                "| Tether ≥ 5× faster than naive at 10: idempotency off (the same work as"
                        + " naive) | %.1f× faster |%n",
                ratio(samples, naive, off, 10)));
        md.append(String.format(
                Locale.ROOT,
                "| Tether ≥ 5× faster than naive at 10: transactional idempotency (more"
                        + " work than naive) | %.1f× faster |%n",
                ratio(samples, naive, transactional, 10)));
        md.append(String.format(Locale.ROOT, "| peak heap for 10,000 stream records ≤ 256 MB | %.0f MB |%n", peakHeap));
        return md.toString();
    }

    private static double ratio(Map<String, Map<Integer, List<Double>>> samples, String name, String limit, int size) {
        return median(samples.get(name).get(size)) / median(samples.get(limit).get(size));
    }

    private static void target(StringBuilder md, String target, double ratio) {
        md.append(String.format(Locale.ROOT, "| %s | %.2f× |%n", target, ratio));
    }

    private static String cpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
                    .filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).trim())
                    .findFirst()
                    .orElse("unknown CPU");
        } catch (Exception e) {
            return "unknown CPU";
        }
    }
}
