package dev.tether.examples.inventory;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.testing.FrontDoor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** What the README promises about this example: small, quoted verbatim, on the public API only. */
class InventoryExampleTest {

    private static final Path SOURCES = Path.of("src", "main", "java");

    @Test
    void theExampleIsAtMostThirtyLinesOfJava() throws IOException {
        long lines = 0;
        try (Stream<Path> files = Files.walk(SOURCES)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                lines += Files.readAllLines(file).stream()
                        .map(String::trim)
                        .filter(l -> !l.isEmpty())
                        .filter(l -> !l.startsWith("//") && !l.startsWith("/*") && !l.startsWith("*"))
                        .filter(l -> !l.startsWith("package ") && !l.startsWith("import "))
                        .count();
            }
        }

        assertThat(lines).isLessThanOrEqualTo(30);
    }

    @Test
    void theReadmeQuotesTheHandlerAndItsMigrationVerbatim() throws IOException {
        String readme = Files.readString(Path.of("..", "..", "README.md"));

        assertThat(readme)
                .contains(Files.readString(SOURCES.resolve("dev/tether/examples/inventory/InventoryHandler.java")))
                .contains(
                        Files.readString(Path.of("src", "main", "resources", "db", "migration", "V1__inventory.sql")));
    }

    @Test
    void theExampleUsesOnlyTheLibrarysPublicApi() throws IOException {
        List<String> offenders = FrontDoor.classesUsingInternals(Path.of("target", "classes"));

        assertThat(offenders).isEmpty();
    }
}
