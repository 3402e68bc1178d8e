package dev.tether.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The library is a toolkit: no class, identifier or comment under {@code src/main} names an application's domain. */
class LibraryHasNoDomainTest {

    private static final Pattern DOMAIN = Pattern.compile(
            "(?i:\\b(orders|payments?|customers?|inventor(y|ies))\\b)|Order[A-Z]|Payment|Customer|Inventory");

    @Test
    void noSourceOfTheLibraryNamesOrdersPaymentsCustomersOrInventory() throws IOException {
        List<String> hits;
        try (Stream<Path> files = Files.walk(Path.of("src", "main"))) {
            hits = files.filter(Files::isRegularFile)
                    .flatMap(file -> {
                        try {
                            List<String> lines = Files.readAllLines(file);
                            return java.util.stream.IntStream.range(0, lines.size())
                                    .filter(i -> DOMAIN.matcher(lines.get(i)).find()
                                            || DOMAIN.matcher(file.toString()).find())
                                    .mapToObj(i -> file + ":" + (i + 1) + ": "
                                            + lines.get(i).trim());
                        } catch (IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    })
                    .toList();
        }

        assertThat(hits).isEmpty();
    }
}
