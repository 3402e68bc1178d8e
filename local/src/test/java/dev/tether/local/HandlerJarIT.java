package dev.tether.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.testing.Sql;
import dev.tether.testing.StreamRecords;
import dev.tether.testing.TestDatabase;
import dev.tether.testing.TestDatabase.Database;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The local tools on a team's own shaded jar (the inventory example's, built earlier in the reactor), run as a user
 * runs them: {@code tether-local.jar --handler-jar … --handler …} with a JSON-lines file, in serve mode fed by the AWS
 * SDK v2's own SQS client, and {@code StreamReplay} with a stream handler of another jar.
 */
class HandlerJarIT {

    private static final Path LOCAL = Path.of("target/tether-local.jar").toAbsolutePath();
    private static final Path INVENTORY =
            Path.of("../examples/inventory/target/inventory.jar").toAbsolutePath();
    private static final Path PROCESSOR =
            Path.of("../processor/target/processor.jar").toAbsolutePath();
    private static final String HANDLER = "dev.tether.examples.inventory.InventoryHandler";

    @TempDir
    Path work;

    @Test
    void serveModeTakesMessagesFromAnSqsClientAppliesThemAndSummarisesWhenStopped() throws Exception {
        Database database = TestDatabase.empty("tether_it_serve");
        Process process = start(
                work,
                localRun(INVENTORY, HANDLER, "--serve", "--port", "0", "--db-url", database.url()),
                database,
                Map.of());
        List<String> lines = lines(process);
        try {
            await(() -> lines.stream().anyMatch(l -> l.startsWith("Ctrl-C")), 120, lines);
            URI endpoint = URI.create(value(lines, "Serving. SQS endpoint ").split(" ")[0]);
            String queue = value(lines, "  queue              ");
            String deadLetters = value(lines, "  dead-letter queue  ");
            assertThat(queue).startsWith(endpoint.toString());

            try (SqsClient sqs = SqsClient.builder()
                    .endpointOverride(endpoint)
                    .region(Region.EU_WEST_1)
                    .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("x", "y")))
                    .httpClient(UrlConnectionHttpClient.create())
                    .build()) {
                String once = adjusted(UUID.randomUUID(), "sku-1", 5);
                sqs.sendMessage(b -> b.queueUrl(queue).messageBody(once));
                sqs.sendMessage(b -> b.queueUrl(queue).messageBody(once));
                sqs.sendMessage(b -> b.queueUrl(queue).messageBody(adjusted(UUID.randomUUID(), "sku-2", -3)));
                sqs.sendMessage(b -> b.queueUrl(queue).messageBody(adjusted(UUID.randomUUID(), "sku-3", 0)));

                await(
                        () -> stock(database).equals(List.of("sku-1|5", "sku-2|-3")) && depth(sqs, deadLetters) == 1,
                        60,
                        lines);
                String deadLettered = sqs.receiveMessage(
                                b -> b.queueUrl(deadLetters).visibilityTimeout(0))
                        .messages()
                        .get(0)
                        .body();
                assertThat(deadLettered).contains("\"sku-3\"");
            }
        } finally {
            // SIGTERM, as a Ctrl-C would (through the handle: Process.destroy also closes our end of its output).
            process.toHandle().destroy();
        }
        assertThat(exited(process, 60, lines)).as(String.join("\n", lines)).isTrue();
        String output = String.join("\n", lines);
        assertThat(output)
                .contains("Tether local run of " + HANDLER + ": OK")
                .contains("  sent        4 messages (received from your SQS clients)")
                .contains("  processed   3 deleted (applied, or duplicates of applied ones), 1 in the dead-letter"
                        + " queue, 0 still in the queue")
                .contains("inventory 2");
        assertThat(stock(database)).containsExactly("sku-1|5", "sku-2|-3");
    }

    @Test
    void aFileOfBodiesRunsThroughTheTeamsJarAndTheRunEndsWithItsSummary() throws Exception {
        Database database = TestDatabase.empty("tether_it_bodies");
        UUID repeated = UUID.randomUUID();
        Path bodies = work.resolve("bodies.jsonl");
        Files.write(
                bodies,
                List.of(
                        adjusted(repeated, "sku-1", 4),
                        "",
                        adjusted(repeated, "sku-1", 4),
                        adjusted(UUID.randomUUID(), "sku-1", 6),
                        "{\"not\": \"an event\"}"));
        Process process = start(
                work,
                localRun(
                        INVENTORY,
                        HANDLER,
                        "--bodies",
                        bodies.toString(),
                        "--pollers",
                        "1",
                        "--db-url",
                        database.url()),
                database,
                Map.of());
        List<String> lines = lines(process);

        assertThat(exited(process, 180, lines)).as(String.join("\n", lines)).isTrue();
        String output = String.join("\n", lines);
        assertThat(process.exitValue()).as(output).isZero();
        assertThat(output)
                .contains("Sending 4 bodies")
                .contains("  processed   3 deleted (applied, or duplicates of applied ones), 1 in the dead-letter"
                        + " queue, 0 still in the queue");
        assertThat(stock(database)).containsExactly("sku-1|10");
    }

    @Test
    void withoutBodiesTheBuiltInGeneratorFeedsTheJarsHandler() throws Exception {
        Database database = TestDatabase.empty("tether_it_generator");
        Process process = start(
                work,
                localRun(
                        PROCESSOR,
                        "dev.tether.processor.handler.OrderEventsHandler",
                        "--events",
                        "300",
                        "--db-url",
                        database.url()),
                database,
                Map.of());
        List<String> lines = lines(process);

        assertThat(exited(process, 180, lines)).as(String.join("\n", lines)).isTrue();
        String output = String.join("\n", lines);
        assertThat(process.exitValue()).as(output).isZero();
        assertThat(output)
                .contains("Sending 300 bodies from the built-in generator of order events")
                .contains("Tether local run of dev.tether.processor.handler.OrderEventsHandler: OK");
        assertThat(Sql.number(database, "SELECT COUNT(*) FROM orders")).isPositive();
    }

    @Test
    void streamReplayRunsAStreamHandlerOfAnotherJar() throws Exception {
        Database database = TestDatabase.empty("tether_it_replay_jar");
        Path records = work.resolve("customers.json");
        Files.writeString(
                records,
                StreamRecords.json(
                        "Customers",
                        List.of(
                                StreamRecords.insert(
                                        10, Map.of("customerId", "c-1"), Map.of("customerId", "c-1", "name", "Ada")),
                                StreamRecords.modify(
                                        11, Map.of("customerId", "c-1"), Map.of("customerId", "c-1", "name", "Ada L.")),
                                StreamRecords.insert(
                                        12, Map.of("customerId", "c-2"), Map.of("customerId", "c-2", "name", "Bo")),
                                StreamRecords.remove(13, Map.of("customerId", "c-2")))));
        Process process = start(
                work,
                List.of(
                        "-cp",
                        LOCAL.toString(),
                        "dev.tether.local.StreamReplay",
                        records.toString(),
                        "--handler-jar",
                        PROCESSOR.toString(),
                        "--handler",
                        "dev.tether.processor.handler.CustomerStreamHandler"),
                database,
                Map.of("TETHER_DB_URL", database.url()));
        List<String> lines = lines(process);

        assertThat(exited(process, 180, lines)).as(String.join("\n", lines)).isTrue();
        assertThat(process.exitValue()).as(String.join("\n", lines)).isZero();
        assertThat(String.join("\n", lines)).contains("replayed 4 records in 1 batches, 0 retries, 0 skipped");
        assertThat(Sql.rows(database, "SELECT customer_id, name, deleted FROM customers ORDER BY customer_id"))
                .containsExactly("c-1|Ada L.|0", "c-2|null|1");
    }

    /** The arguments of {@code tether-local.jar --handler-jar jar --handler handler} followed by {@code more}. */
    private static List<String> localRun(Path jar, String handler, String... more) {
        List<String> arguments = new ArrayList<>(
                List.of("-jar", LOCAL.toString(), "--handler-jar", jar.toString(), "--handler", handler));
        arguments.addAll(List.of(more));
        return arguments;
    }

    /** The tool in a JVM of its own; the login of {@code database} comes through the environment, as TETHER_DB_*. */
    private static Process start(Path work, List<String> arguments, Database database, Map<String, String> extra)
            throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Dtether.local.log=" + work.resolve("tether-local.log"));
        command.addAll(arguments);
        Map<String, String> environment = new java.util.HashMap<>(extra);
        environment.put("TETHER_DB_USER", database.user());
        environment.put("TETHER_DB_PASSWORD", database.password());
        environment.put("TETHER_DB_DIALECT", database.dialect().name());
        ProcessBuilder builder =
                new ProcessBuilder(command).directory(work.toFile()).redirectErrorStream(true);
        builder.environment().keySet().removeIf(name -> name.startsWith("TETHER_"));
        builder.environment().putAll(environment);
        Process process = builder.start();
        process.getOutputStream().close();
        return process;
    }

    /** The process's output lines as they come. */
    private static List<String> lines(Process process) {
        List<String> lines = new CopyOnWriteArrayList<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader in =
                    new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    lines.add(line);
                }
            } catch (java.io.IOException ended) {
                // the process is gone
            }
        });
        reader.setDaemon(true);
        reader.start();
        READERS.put(lines, reader);
        return lines;
    }

    private static final Map<List<String>, Thread> READERS = new java.util.IdentityHashMap<>();

    /** Waits for the process to exit and for its last line to be read. */
    private static boolean exited(Process process, int seconds, List<String> lines) throws InterruptedException {
        boolean exited = process.waitFor(seconds, TimeUnit.SECONDS);
        READERS.get(lines).join(10_000);
        return exited;
    }

    private static void await(BooleanSupplier condition, int seconds, List<String> lines) throws InterruptedException {
        long deadline = System.currentTimeMillis() + seconds * 1000L;
        while (!condition.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("not within " + seconds + " s; output so far:\n" + String.join("\n", lines));
            }
            Thread.sleep(200);
        }
    }

    private static String value(List<String> lines, String prefix) {
        return lines.stream()
                .filter(l -> l.startsWith(prefix))
                .map(l -> l.substring(prefix.length()).trim())
                .findFirst()
                .orElseThrow(() -> new AssertionError("no line " + prefix + " in\n" + String.join("\n", lines)));
    }

    private static long depth(SqsClient sqs, String url) {
        return Long.parseLong(sqs.getQueueAttributes(
                        b -> b.queueUrl(url).attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES))
                .attributes()
                .get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES));
    }

    private static List<String> stock(Database database) {
        try {
            return Sql.rows(database, "SELECT CONCAT(sku, '|', quantity) FROM inventory ORDER BY sku");
        } catch (IllegalStateException noTableYet) {
            return List.of();
        }
    }

    private static String adjusted(UUID eventId, String sku, long delta) {
        return "{\"eventId\":\"" + eventId
                + "\",\"type\":\"InventoryAdjusted\",\"occurredAt\":\"2026-12-02T10:00:00Z\"," + "\"data\":{\"sku\":\""
                + sku + "\",\"warehouse\":\"ams\",\"delta\":" + delta + "}}";
    }
}
