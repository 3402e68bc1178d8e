package dev.tether.examples.inventory;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tether.testing.LambdaJar;
import dev.tether.testing.Sql;
import dev.tether.testing.TestDatabase;
import dev.tether.testing.TestDatabase.Database;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;

/**
 * The deployable {@code target/inventory.jar} as Lambda runs it: a JVM of its own, the handler built by its no-arg
 * constructor from {@code TETHER_*} variables alone ({@code TETHER_DB_MIGRATE} unset), on an empty database.
 */
class InventoryJarIT {

    private static final Path JAR = Path.of("target", "inventory.jar");

    @Test
    void theJarCreatesItsTablesOnAnEmptyDatabaseAndAppliesEachEventOnce() throws Exception {
        Database database = TestDatabase.empty("tether_it_inventory_jar");
        Path event = Files.createTempFile("inventory-event", ".json");
        Files.writeString(event, Files.readString(Path.of("src", "test", "resources", "sqs", "inventory-batch.json")));

        String output = runJar(database, event, 2);

        List<String> responses =
                output.lines().filter(l -> l.startsWith("RESPONSE ")).toList();
        assertThat(responses)
                .hasSize(2)
                .allSatisfy(r -> assertThat(r)
                        .contains("b7c1d0e2-0000-4000-8000-000000000003")
                        .doesNotContain("b7c1d0e2-0000-4000-8000-000000000001")
                        .doesNotContain("b7c1d0e2-0000-4000-8000-000000000002"));
        // The jar logs as Lambda would ship it: Tether's JSON line for the invalid message, with its messageId,
        // route, field and reason, and never the body.
        List<JsonNode> invalid = output.lines()
                .filter(l -> l.startsWith("{"))
                .map(InventoryJarIT::json)
                .filter(j -> "invalid message".equals(j.path("message").asText()))
                .toList();
        assertThat(invalid).as(output).hasSize(2).allSatisfy(line -> {
            assertThat(line.path("messageId").asText()).isEqualTo("b7c1d0e2-0000-4000-8000-000000000003");
            assertThat(line.path("route").asText()).isEqualTo("InventoryAdjusted");
            assertThat(line.path("field").asText()).isEqualTo("data.delta");
            assertThat(line.path("reason").asText()).isEqualTo("must not be zero");
            assertThat(line.path("level").asText()).isEqualTo("WARN");
        });
        assertThat(output).doesNotContain("5d1c9f0e-8a3b-4c2d-9e1f-0a1b2c3d4e03");
        // The same batch delivered twice: each eventId applies once.
        assertThat(Sql.rows(database, "SELECT CONCAT(sku, '|', warehouse, '|', quantity) FROM inventory ORDER BY sku"))
                .containsExactly("sku-1|ams|3", "sku-2|rtm|-1");
    }

    @Test
    void theJarHoldsTheHandlerTheLibraryAndBothMigrationsButNoTestCode() throws Exception {
        List<String> entries = new ArrayList<>();
        try (ZipFile zip = new ZipFile(JAR.toFile())) {
            zip.stream().forEach(e -> entries.add(e.getName()));
        }

        assertThat(entries)
                .contains(
                        "dev/tether/examples/inventory/InventoryHandler.class",
                        "dev/tether/examples/inventory/db/tables/Inventory.class",
                        "db/migration/V1__inventory.sql",
                        "dev/tether/lambda/migration/V1__idempotency_records.sql",
                        "dev/tether/lambda/SqsBatchHandler.class");
        assertThat(entries)
                .noneMatch(e -> e.startsWith("dev/tether/testing/")
                        || e.startsWith("org/junit/")
                        || e.startsWith("ch/vorburger/")
                        || e.startsWith("org/elasticmq/"));
    }

    private static JsonNode json(String line) {
        try {
            return new ObjectMapper().readTree(line);
        } catch (Exception e) {
            throw new AssertionError("not a JSON log line: " + line, e);
        }
    }

    private static String runJar(Database database, Path event, int invocations) throws Exception {
        LambdaJar.Run run = LambdaJar.run(
                JAR,
                InventoryHandler.class.getName(),
                SQSEvent.class,
                SQSBatchResponse.class,
                event,
                invocations,
                Map.of(
                        "TETHER_DB_URL", database.url(),
                        "TETHER_DB_USER", database.user(),
                        "TETHER_DB_PASSWORD", database.password()));
        assertThat(run.exited())
                .as("the JVM running the jar exits by itself\n" + run.output())
                .isTrue();
        assertThat(run.exitValue()).as(run.output()).isZero();
        return run.output();
    }
}
