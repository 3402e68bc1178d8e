package dev.tether.testing;

import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a handler from its shaded jar as Lambda's Java runtime would: in a JVM of its own, built by its no-arg
 * constructor, configured by the environment only, fed events through Lambda's serializer ({@link JarDriver}).
 */
public final class LambdaJar {

    /** How a run ended: whether the JVM exited within the time allowed, its status, and what it printed. */
    public record Run(boolean exited, int exitValue, String output) {}

    private LambdaJar() {}

    /**
     * Invokes {@code handler} (of {@code jar}) {@code invocations} times with the event in {@code event}, the
     * environment holding {@code environment} and no other {@code TETHER_*} variable; waits at most 90 seconds.
     */
    public static Run run(
            Path jar,
            String handler,
            Class<?> input,
            Class<?> output,
            Path event,
            int invocations,
            Map<String, String> environment)
            throws IOException, InterruptedException {
        return run(
                Path.of(System.getProperty("java.home")), jar, handler, input, output, event, invocations, environment);
    }

    /** Same as {@link #run(Path, String, Class, Class, Path, int, Map)}, on the JDK or JRE at {@code javaHome}. */
    public static Run run(
            Path javaHome,
            Path jar,
            String handler,
            Class<?> input,
            Class<?> output,
            Path event,
            int invocations,
            Map<String, String> environment)
            throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(
                        javaHome.resolve("bin").resolve("java").toString(),
                        "-cp",
                        jar
                                + File.pathSeparator
                                + jarOf(JarDriver.class)
                                + File.pathSeparator
                                + jarOf(com.amazonaws.services.lambda.runtime.serialization.PojoSerializer.class),
                        JarDriver.class.getName(),
                        handler,
                        input.getName(),
                        output.getName(),
                        event.toString(),
                        String.valueOf(invocations))
                .redirectErrorStream(true);
        builder.environment().keySet().removeIf(name -> name.startsWith("TETHER_"));
        builder.environment().putAll(environment);
        Path log = Files.createTempFile("lambda-jar", ".log");
        Process process = builder.redirectOutput(log.toFile()).start();
        process.getOutputStream().close();
        boolean exited = process.waitFor(90, TimeUnit.SECONDS);
        if (!exited) {
            process.destroyForcibly();
        }
        String printed = Files.readString(log, StandardCharsets.UTF_8);
        Files.deleteIfExists(log);
        return new Run(exited, exited ? process.exitValue() : -1, printed);
    }

    /** The jar (or classes directory) that {@code type} was loaded from. */
    public static String jarOf(Class<?> type) {
        try {
            return Path.of(type.getProtectionDomain()
                            .getCodeSource()
                            .getLocation()
                            .toURI())
                    .toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
