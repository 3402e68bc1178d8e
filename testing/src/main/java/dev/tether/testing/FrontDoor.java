package dev.tether.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Keeps an application on tether-lambda's public API: none of its compiled classes may refer to a class under
 * {@code dev.tether.lambda.internal}. Reads the class files' constant pools (as text), so imports, fully qualified
 * names and reflection literals are all caught.
 */
public final class FrontDoor {

    private static final String INTERNAL = "dev/tether/lambda/internal/";

    private FrontDoor() {}

    /** The class files under {@code classes} that name an internal class of the library. */
    public static List<String> classesUsingInternals(Path classes) throws IOException {
        List<String> offenders = new ArrayList<>();
        try (Stream<Path> files = Files.walk(classes)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".class")).toList()) {
                String content = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
                if (content.contains(INTERNAL) || content.contains(INTERNAL.replace('/', '.'))) {
                    offenders.add(classes.relativize(file).toString());
                }
            }
        }
        return offenders;
    }
}
