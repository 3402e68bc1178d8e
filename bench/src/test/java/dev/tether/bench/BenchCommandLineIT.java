package dev.tether.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The benchmark jar as a user runs it: {@code --help} prints the usage and exits at once, and an unknown option is
 * refused, without measuring anything or writing the report.
 */
class BenchCommandLineIT {

    @Test
    void helpPrintsTheUsageWithoutRunningTheBenchmark() throws Exception {
        Path report = Files.createTempDirectory("tether-bench").resolve("PERFORMANCE.md");

        Run help = run("--out", report.toString(), "--help");

        assertThat(help.exit()).as(help.output()).isZero();
        assertThat(help.output()).startsWith("usage: java -jar bench/target/tether-bench.jar");
        assertThat(report).doesNotExist();
    }

    @Test
    void anUnknownOptionIsRefusedBeforeAnyWork() throws Exception {
        Path report = Files.createTempDirectory("tether-bench").resolve("PERFORMANCE.md");

        Run unknown = run("--out", report.toString(), "--round", "3");

        assertThat(unknown.exit()).as(unknown.output()).isEqualTo(2);
        assertThat(unknown.output()).startsWith("unknown option --round").contains("usage:");
        assertThat(report).doesNotExist();
    }

    private record Run(int exit, String output) {}

    private static Run run(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar",
                Path.of("target/tether-bench.jar").toAbsolutePath().toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS))
                .as("answered without measuring")
                .isTrue();
        return new Run(
                process.exitValue(), new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }
}
