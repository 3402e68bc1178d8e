package dev.tether.processor.handler;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.tether.testing.LambdaJar;
import dev.tether.testing.TestDatabase;
import dev.tether.testing.TestDatabase.Database;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The deployable artifact, {@code target/processor.jar}, as Lambda runs it: in a JVM of its own, configured only
 * through {@code TETHER_*} environment variables, fed by Lambda's serializer.
 */
class ProcessorJarIT {

    private static final Path JAR = Path.of("target", "processor.jar");

    @Test
    void theShadedJarHandlesAnSqsBatchConfiguredFromTheEnvironment() throws Exception {
        Database database = TestDatabase.fresh("tether_it_jar");

        String output = runJar(database, true, 3);

        List<String> responses =
                output.lines().filter(l -> l.startsWith("RESPONSE ")).toList();
        assertThat(responses)
                .hasSize(3)
                .allSatisfy(r -> assertThat(r)
                        .contains("9f0b2a4e-1c3d-4e5f-8a9b-0c1d2e3f4a03")
                        .contains("9f0b2a4e-1c3d-4e5f-8a9b-0c1d2e3f4a06")
                        .doesNotContain("9f0b2a4e-1c3d-4e5f-8a9b-0c1d2e3f4a01"));
        assertThat(output).as("structured JSON logs").contains("{\"level\":\"INFO\",\"message\":\"batch processed\"");
        // Three deliveries of the same batch: the default (transactional) idempotency applies the payment once.
        assertThat(balance(database)).isEqualTo(2599);
    }

    /** Where the JDK of the newest runtime Lambda deploys Java to (java25) is on these machines. */
    private static final Path JDK_25 = Path.of("/usr/lib/jvm/temurin-25-jdk-amd64");

    @Test
    void theJarRunsOnJava25AsLambdasNewestRuntimeWould() throws Exception {
        Assumptions.assumeTrue(
                Files.isExecutable(JDK_25.resolve("bin").resolve("java")),
                "no JDK 25 at " + JDK_25 + ": the jar's run on Java 25 is not checked on this machine");
        Database database = TestDatabase.fresh("tether_it_jar_25");

        LambdaJar.Run run = LambdaJar.run(
                JDK_25,
                JAR,
                OrderEventsHandler.class.getName(),
                SQSEvent.class,
                SQSBatchResponse.class,
                Path.of("src", "test", "resources", "sqs", "mixed-batch.json"),
                2,
                Map.of(
                        "TETHER_DB_URL", database.url(),
                        "TETHER_DB_USER", database.user(),
                        "TETHER_DB_PASSWORD", database.password(),
                        "AWS_LAMBDA_MAX_CONCURRENCY", "4",
                        "TETHER_DB_POOL_SIZE", "2"));

        assertThat(run.exited()).as(run.output()).isTrue();
        assertThat(run.exitValue()).as(run.output()).isZero();
        assertThat(run.output().lines().filter(l -> l.startsWith("RESPONSE ")).toList())
                .hasSize(2)
                .allSatisfy(r -> assertThat(r).doesNotContain("9f0b2a4e-1c3d-4e5f-8a9b-0c1d2e3f4a01"));
        assertThat(balance(database)).isEqualTo(2599);
    }

    @Test
    void withoutADialectTheJarChoosesOneFromTheServer() throws Exception {
        Database database = TestDatabase.fresh("tether_it_jar_dialect");

        String output = runJar(database, false, 1);

        assertThat(output.lines().filter(l -> l.startsWith("RESPONSE ")).toList())
                .singleElement()
                .satisfies(r -> assertThat(r).doesNotContain("9f0b2a4e-1c3d-4e5f-8a9b-0c1d2e3f4a01"));
        assertThat(balance(database)).isEqualTo(2599);
    }

    @Test
    void theSchemaToolAnswersHelpAndRefusesAnUnknownOptionBeforeConnecting() throws Exception {
        String[] help = runSchemaTool("--help");
        String[] unknown = runSchemaTool("--url", "jdbc:mysql://example/db");

        assertThat(help[0]).isEqualTo("0");
        assertThat(help[1]).startsWith("usage: java -cp processor/target/processor.jar dev.tether.schema.TetherSchema");
        assertThat(unknown[0]).isEqualTo("2");
        assertThat(unknown[1]).startsWith("unknown option --url").contains("usage:");
    }

    /** Exit status and output of the schema tool in the jar, with no database configured. */
    private static String[] runSchemaTool(String... args) throws Exception {
        List<String> command =
                new ArrayList<>(List.of(javaExecutable(), "-cp", JAR.toString(), "dev.tether.schema.TetherSchema"));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().remove("TETHER_DB_URL");
        Process process = builder.start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new String[] {
            String.valueOf(process.exitValue()),
            new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8)
        };
    }

    private static String runJar(Database database, boolean withDialect, int invocations) throws Exception {
        Map<String, String> environment = new HashMap<>(Map.of(
                "TETHER_DB_URL", database.url(),
                "TETHER_DB_USER", database.user(),
                "TETHER_DB_PASSWORD", database.password()));
        if (withDialect) {
            environment.put("TETHER_DB_DIALECT", database.dialect().name());
        }
        LambdaJar.Run run = LambdaJar.run(
                JAR,
                OrderEventsHandler.class.getName(),
                SQSEvent.class,
                SQSBatchResponse.class,
                Path.of("src", "test", "resources", "sqs", "mixed-batch.json"),
                invocations,
                environment);
        assertThat(run.exited())
                .as("the JVM running the jar exits by itself\n" + run.output())
                .isTrue();
        assertThat(run.exitValue()).as(run.output()).isZero();
        return run.output();
    }

    private static long balance(Database database) throws SQLException {
        try (Connection connection = database.connect();
                ResultSet rs = connection
                        .createStatement()
                        .executeQuery("SELECT balance_cents FROM customer_balances WHERE customer_id = 'cus-42'")) {
            assertThat(rs.next()).isTrue();
            return rs.getLong(1);
        }
    }

    @Test
    void theJarHoldsWhatLambdaNeedsAndNothingElse() throws IOException {
        List<String> entries = new ArrayList<>();
        try (ZipFile zip = new ZipFile(JAR.toFile())) {
            zip.stream().forEach(e -> entries.add(e.getName()));
        }

        assertThat(entries)
                .contains(
                        "dev/tether/processor/handler/OrderEventsHandler.class",
                        "dev/tether/db/tables/Orders.class",
                        "db/migration/V1__orders_and_balances.sql",
                        "com/mysql/cj/jdbc/Driver.class",
                        "com/zaxxer/hikari/pool/HikariPool.class",
                        "log4j2.xml");
        assertThat(entries)
                .noneMatch(e -> e.startsWith("io/netty/"))
                .noneMatch(e -> e.startsWith("org/apache/http/"))
                .noneMatch(e -> e.startsWith("org/apache/hc/"))
                .noneMatch(e -> e.startsWith("ch/vorburger/"))
                .noneMatch(e -> e.startsWith("org/elasticmq/"))
                .noneMatch(e -> e.startsWith("org/junit/"))
                .noneMatch(e -> e.startsWith("org/testcontainers/"))
                .noneMatch(e -> e.startsWith("com/google/protobuf/"))
                .noneMatch(e -> e.startsWith("dev/tether/embedded/"))
                .noneMatch(e -> e.startsWith("dev/tether/processor/testing/"));
        assertThat(Files.size(JAR)).isLessThan(40L * 1024 * 1024);
    }

    private static String javaExecutable() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
