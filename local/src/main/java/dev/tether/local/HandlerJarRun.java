package dev.tether.local;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.tether.local.CommandLine.HelpRequested;
import dev.tether.local.CommandLine.UsageException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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
import java.util.concurrent.CountDownLatch;
import org.jooq.SQLDialect;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

/**
 * The local pipeline for a team's own jar: an embedded MariaDB (or {@code --db-url}), an embedded SQS with a queue
 * and its dead-letter queue, and Lambda's event source mapping emulated over the handler class of the team's shaded
 * jar ({@link JarHandler}). Either sends the bodies of a JSON-lines file and ends with a summary ({@code --bodies}),
 * or serves: keeps the SQS endpoint open for any SQS client until interrupted, then prints the summary
 * ({@code --serve}).
 */
public final class HandlerJarRun {

    /** The run's settings. */
    public record Options(
            Path jar,
            String handler,
            Path bodies,
            int events,
            boolean serve,
            int port,
            String queueName,
            int pollers,
            int concurrency,
            int poolSize,
            int batchSize,
            long batchingWindowMillis,
            int visibilityTimeoutSeconds,
            int maxReceiveCount,
            long functionTimeoutMillis,
            String dbUrl,
            String dbUser,
            String dbPassword,
            SQLDialect dialect,
            long timeoutSeconds) {}

    /** What a run saw: messages sent (by the file; by clients in serve mode, those received), how each ended. */
    public record Report(
            long sent,
            long deleted,
            long deadLettered,
            long left,
            Map<String, Long> rows,
            long invocations,
            double p50Millis,
            double p99Millis,
            long connectionsOpened,
            double seconds) {

        /** Every message sent ended deleted (applied, or a duplicate) or in the dead-letter queue. */
        public boolean ok() {
            return left == 0 && deleted + deadLettered == sent;
        }
    }

    private final Options options;
    private final PrintStream console;
    private final CountDownLatch stop = new CountDownLatch(1);

    public HandlerJarRun(Options options, PrintStream console) {
        this.options = options;
        this.console = console;
    }

    /** Asks a serving run to stop and print its summary. */
    public void stop() {
        stop.countDown();
    }

    /** Runs to the end (all bodies handled, or {@link #stop()} in serve mode) and prints the summary. */
    public Report run() throws Exception {
        long started = System.nanoTime();
        LocalDatabase database = LocalDatabase.of(options.dbUrl(), options.dbUser(), options.dbPassword(), console);
        String url = database.url();
        String user = database.user();
        String password = database.password();
        String where = database.where();
        List<String> bodies = options.bodies() != null
                ? bodies(options.bodies())
                : EventGenerator.generate(options.events(), 0.02, 0.002, 0, 42).messages().stream()
                        .map(OrderEventProducer.Outgoing::body)
                        .toList();
        try (EmbeddedSqs embeddedSqs = sqsOn(options.port());
                SqsClient sqs = Sqs.client(embeddedSqs.endpoint())) {
            Sqs.Queues queues = Sqs.create(
                    sqs, options.queueName(), false, options.visibilityTimeoutSeconds(), options.maxReceiveCount());
            String appUrl = url;
            String appUser = user;
            String appPassword = password;
            EventSourceMappingEmulator.Settings settings = new EventSourceMappingEmulator.Settings(
                    options.pollers(),
                    options.batchSize(),
                    options.batchingWindowMillis(),
                    options.functionTimeoutMillis(),
                    options.concurrency());
            console.println("Starting " + options.pollers() + " container(s) of " + options.handler() + " from "
                    + options.jar());
            List<JarHandler<SQSEvent, SQSBatchResponse>> containers = new ArrayList<>();
            long deleted;
            long deadLettered;
            long left;
            long received;
            Report report;
            try (EventSourceMappingEmulator emulator =
                    new EventSourceMappingEmulator(sqs, queues.url(), queues.arn(), settings, () -> {
                        JarHandler<SQSEvent, SQSBatchResponse> container = JarHandler.load(
                                options.jar(),
                                options.handler(),
                                SQSEvent.class,
                                SQSBatchResponse.class,
                                appUrl,
                                appUser,
                                appPassword,
                                options.dialect(),
                                options.poolSize());
                        containers.add(container);
                        return container;
                    })) {
                emulator.start();
                if (options.serve()) {
                    console.println("Serving. SQS endpoint " + embeddedSqs.endpoint() + " (region " + Sqs.LOCAL_REGION
                            + ", any credentials)");
                    console.println("  queue              " + queues.url());
                    console.println("  dead-letter queue  " + queues.deadLetterUrl());
                    console.println("  e.g. aws sqs send-message --endpoint-url " + embeddedSqs.endpoint()
                            + " --queue-url " + queues.url() + " --message-body file://body.json");
                    // Registered last: the handlers' own start (their libraries) may have claimed the signals.
                    onInterrupt(this::stop);
                    console.println("Ctrl-C stops and prints the summary.");
                    String shown = "";
                    while (!stop.await(1, java.util.concurrent.TimeUnit.SECONDS)) {
                        String now = String.format(
                                Locale.ROOT,
                                "  so far: %,d deleted, %,d reported failed, %,d in the dead-letter queue",
                                emulator.deleted(),
                                emulator.reported(),
                                Sqs.depth(sqs, queues.deadLetterUrl()));
                        if (!now.equals(shown)) {
                            console.println(now);
                            shown = now;
                        }
                    }
                    console.println("Stopping: handling what is in flight...");
                    waitForIdle(sqs, queues, emulator, 10_000);
                } else {
                    console.printf(
                            Locale.ROOT, "Sending %,d bodies from %s to %s%n", bodies.size(), source(), queues.url());
                    send(sqs, queues.url(), bodies);
                    long deadline = System.currentTimeMillis() + options.timeoutSeconds() * 1000;
                    while (emulator.deleted() + Sqs.depth(sqs, queues.deadLetterUrl()) < bodies.size()
                            && emulator.crash() == null
                            && System.currentTimeMillis() < deadline) {
                        Thread.sleep(50);
                    }
                }
                if (emulator.crash() != null) {
                    throw new IllegalStateException("a poller crashed", emulator.crash());
                }
                deleted = emulator.deleted();
                deadLettered = Sqs.depth(sqs, queues.deadLetterUrl());
                left = Sqs.depth(sqs, queues.url());
                received = options.serve() ? deleted + deadLettered + left : bodies.size();
                long opened = containers.stream()
                        .mapToLong(JarHandler::connectionsOpened)
                        .sum();
                report = new Report(
                        received,
                        deleted,
                        deadLettered,
                        left,
                        rows(url, user, password),
                        emulator.invocations(),
                        emulator.latencyMillis(50),
                        emulator.latencyMillis(99),
                        opened,
                        (System.nanoTime() - started) / 1e9);
            } finally {
                containers.forEach(JarHandler::close);
            }
            summary(report, where, queues);
            return report;
        }
    }

    private static EmbeddedSqs sqsOn(int port) {
        try {
            return EmbeddedSqs.start(port);
        } catch (RuntimeException e) {
            throw new IllegalStateException(
                    "cannot open the SQS endpoint on port " + port + " (in use? choose another with --port)", e);
        }
    }

    /** In serve mode: lets the batches in flight finish (up to {@code millis}) before the summary. */
    private static void waitForIdle(SqsClient sqs, Sqs.Queues queues, EventSourceMappingEmulator emulator, long millis)
            throws InterruptedException {
        long deadline = System.currentTimeMillis() + millis;
        long last = -1;
        while (System.currentTimeMillis() < deadline) {
            long seen = emulator.deleted() + emulator.reported();
            if (seen == last && Sqs.visible(sqs, queues.url()) == 0) {
                return;
            }
            last = seen;
            Thread.sleep(300);
        }
    }

    /** Where the bodies of a run that sends come from. */
    private String source() {
        return options.bodies() != null
                ? options.bodies().toString()
                : "the built-in generator of order events (OrderUpserted, PaymentCaptured)";
    }

    private static List<String> bodies(Path file) throws java.io.IOException {
        List<String> bodies = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (!line.isBlank()) {
                bodies.add(line);
            }
        }
        return bodies;
    }

    private static void send(SqsClient sqs, String url, List<String> bodies) {
        for (int from = 0; from < bodies.size(); from += 10) {
            List<SendMessageBatchRequestEntry> entries = new ArrayList<>();
            for (int i = from; i < Math.min(from + 10, bodies.size()); i++) {
                entries.add(SendMessageBatchRequestEntry.builder()
                        .id(String.valueOf(i))
                        .messageBody(bodies.get(i))
                        .build());
            }
            var response = sqs.sendMessageBatch(b -> b.queueUrl(url).entries(entries));
            if (!response.failed().isEmpty()) {
                throw new IllegalStateException("SQS refused line "
                        + (Integer.parseInt(response.failed().get(0).id()) + 1) + " of the bodies: "
                        + response.failed().get(0).message());
            }
        }
    }

    /** Rows of every table of the database. */
    private static Map<String, Long> rows(String url, String user, String password) throws SQLException {
        Map<String, Long> rows = new LinkedHashMap<>();
        try (Connection connection = DriverManager.getConnection(url, user, password);
                Statement statement = connection.createStatement()) {
            List<String> tables = new ArrayList<>();
            try (ResultSet rs =
                    connection.getMetaData().getTables(connection.getCatalog(), null, "%", new String[] {"TABLE"})) {
                while (rs.next()) {
                    tables.add(rs.getString("TABLE_NAME"));
                }
            }
            for (String table : tables) {
                try (ResultSet rs = statement.executeQuery("SELECT COUNT(*) FROM `" + table.replace("`", "``") + "`")) {
                    rs.next();
                    rows.put(table, rs.getLong(1));
                }
            }
        }
        return rows;
    }

    private void summary(Report report, String where, Sqs.Queues queues) {
        console.println();
        console.printf(
                Locale.ROOT,
                "Tether local run of %s: %s in %.1f s%n",
                options.handler(),
                report.ok() ? "OK" : "INCOMPLETE",
                report.seconds());
        console.printf(
                Locale.ROOT,
                "  sent        %,d messages%s%n",
                report.sent(),
                options.serve() ? " (received from your SQS clients)" : " (" + source() + ")");
        console.printf(
                Locale.ROOT,
                "  processed   %,d deleted (applied, or duplicates of applied ones), %,d in the dead-letter queue,"
                        + " %,d still in the queue%n",
                report.deleted(),
                report.deadLettered(),
                report.left());
        StringBuilder rows = new StringBuilder();
        report.rows().forEach((table, count) -> rows.append(String.format(Locale.ROOT, "%s %,d  ", table, count)));
        console.println("  rows        " + rows.toString().trim());
        console.printf(
                Locale.ROOT,
                "  load        %,d invocations, p50 %.1f ms, p99 %.1f ms, %d container(s)%s%n",
                report.invocations(),
                report.p50Millis(),
                report.p99Millis(),
                options.pollers(),
                report.connectionsOpened() > 0 ? ", " + report.connectionsOpened() + " connections opened" : "");
        console.println("  database    " + where);
        console.println("  queues      " + queues.url() + " (dead letters: " + queues.deadLetterUrl() + ")");
        if (report.deadLettered() > 0) {
            console.println("  why         the handler's WARN lines (\"invalid message\", with messageId, field and"
                    + " reason) are in the log");
        }
    }

    static final String USAGE = """
            usage: java -jar local/target/tether-local.jar --handler-jar JAR --handler CLASS [--bodies FILE | --serve]
              --handler-jar JAR     your shaded Lambda jar
              --handler CLASS       its SQS handler (RequestHandler<SQSEvent, SQSBatchResponse> with a public
                                    constructor taking a TetherConfig, as the archetype's handlers have)
              --bodies FILE         message bodies, one per line (JSON lines): sent to the queue, handled, summary
              --events N            without --bodies or --serve: N bodies from the built-in generator of the orders
                                    application's events, as the pipeline sends them (1000)
              --serve               keep an SQS endpoint open for any SQS client (AWS SDK, aws sqs send-message
                                    --endpoint-url ...) until Ctrl-C, then print the summary
              --port N              the SQS endpoint's port (0: any free one; default 9324 with --serve)
              --queue NAME          queue name (tether-events); its dead-letter queue is NAME-dlq
              --pollers N           concurrent containers (2)
              --concurrency N       invocations each container runs at once (Lambda Managed Instances; 1)
              --pool-size P         connections each container's pool holds (Tether's default)
              --batch-size N        messages per invocation (10)
              --window-ms N         batching window (200)
              --visibility-s N      visibility timeout of the queue (3)
              --max-receive N       receives before the dead-letter queue (2)
              --function-timeout-ms N   the time each invocation is given (60000)
              --db-url URL          a MySQL/MariaDB to use instead of the embedded one (or TETHER_DB_URL)
              --db-user U, --db-password P, --db-dialect MYSQL|MARIADB
              --timeout-s N         with --bodies: give up after N seconds (300)""";

    static final Set<String> VALUED = Set.of(
            "--handler-jar",
            "--handler",
            "--bodies",
            "--events",
            "--port",
            "--queue",
            "--pollers",
            "--concurrency",
            "--pool-size",
            "--batch-size",
            "--window-ms",
            "--visibility-s",
            "--max-receive",
            "--function-timeout-ms",
            "--db-url",
            "--db-user",
            "--db-password",
            "--db-dialect",
            "--timeout-s");

    static final Set<String> SWITCHES = Set.of("--serve", "--no-progress");

    /** The options of {@code args} and the environment. */
    public static Options parse(String[] args, Map<String, String> env) throws UsageException, HelpRequested {
        return read(CommandLine.parse(args, VALUED, SWITCHES, 0), env);
    }

    static Options read(CommandLine line, Map<String, String> env) throws UsageException {
        String jar = line.text("--handler-jar", null);
        String handler = line.text("--handler", null);
        if (jar == null || handler == null) {
            throw new UsageException("--handler-jar and --handler go together");
        }
        if (!Files.isRegularFile(Path.of(jar))) {
            throw new UsageException("--handler-jar: no such file " + jar);
        }
        String bodies = line.text("--bodies", null);
        boolean serve = line.flag("--serve");
        if (bodies != null && serve) {
            throw new UsageException("give either --bodies FILE or --serve, not both");
        }
        int events = line.integer("--events", 1_000, 1);
        if ((bodies != null || serve) && line.text("--events", null) != null) {
            throw new UsageException("--events sets the built-in generator, which runs without --bodies and --serve");
        }
        if (bodies != null && !Files.isRegularFile(Path.of(bodies))) {
            throw new UsageException("--bodies: no such file " + bodies);
        }
        String dbUrl = line.text("--db-url", env.get("TETHER_DB_URL"));
        SQLDialect dialect = LocalDatabase.dialect(line, env, dbUrl);
        int batchSize = LocalDatabase.batchSize(line, 10);
        int port = line.integer("--port", serve ? 9324 : 0, 0);
        if (port > 65_535) {
            throw new UsageException("--port must be at most 65535");
        }
        return new Options(
                Path.of(jar),
                handler,
                bodies == null ? null : Path.of(bodies),
                events,
                serve,
                port,
                line.text("--queue", "tether-events"),
                line.integer("--pollers", 2, 1),
                line.integer("--concurrency", 1, 1),
                line.integer("--pool-size", 0, 1),
                batchSize,
                line.number("--window-ms", 200, 0),
                line.integer("--visibility-s", 3, 1),
                line.integer("--max-receive", 2, 1),
                line.number("--function-timeout-ms", 60_000, 100),
                dbUrl,
                line.text("--db-user", env.get("TETHER_DB_USER")),
                line.text("--db-password", env.get("TETHER_DB_PASSWORD")),
                dialect,
                line.number("--timeout-s", 300, 1));
    }

    /** Entered from {@link LocalPipeline#main} when the command line names {@code --handler-jar}. */
    static void main(String[] args, Path log) throws Exception {
        Options options =
                CommandLine.parseOrExit(args, USAGE, VALUED, SWITCHES, 0, line -> read(line, System.getenv()));
        PrintStream console = System.out;
        // The handlers' logs and metrics (EMF) go to standard output, as in Lambda: here, into the log file.
        System.setOut(new PrintStream(new java.io.FileOutputStream(log.toFile(), true), true, StandardCharsets.UTF_8));
        HandlerJarRun run = new HandlerJarRun(options, console);
        CountDownLatch finished = new CountDownLatch(1);
        if (options.serve()) {
            afterShutdownStarts(run::stop, finished);
        }
        Report report;
        try {
            report = run.run();
            console.println("  logs        " + log);
        } finally {
            finished.countDown();
        }
        System.exit(report.ok() ? 0 : 1);
    }

    /**
     * Ctrl-C (SIGINT) and SIGTERM stop the run: where the JVM lets this tool handle the signal, before the JVM starts
     * shutting down (the embedded database still answers the summary's queries); otherwise from a shutdown hook
     * that waits up to 30 seconds for the summary.
     */
    private static void onInterrupt(Runnable stop) {
        for (String name : List.of("INT", "TERM")) {
            try {
                sun.misc.Signal.handle(new sun.misc.Signal(name), signal -> stop.run());
            } catch (IllegalArgumentException | LinkageError refused) {
                // the JVM keeps this signal: the shutdown hook stops the run
            }
        }
    }

    private static void afterShutdownStarts(Runnable stop, CountDownLatch finished) {
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            stop.run();
                            try {
                                finished.await(30, java.util.concurrent.TimeUnit.SECONDS);
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                        },
                        "serve-stop"));
    }
}
