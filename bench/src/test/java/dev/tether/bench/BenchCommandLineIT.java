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

    @Test
    void aShortLoadRunGoesEndToEndAndEveryManagedInstancesRowIsExact() throws Exception {
        Path report = Files.createTempDirectory("tether-bench").resolve("PERFORMANCE.md");

        Run load = run(600, "--load", "--quick", "--out", report.toString());

        assertThat(load.exit()).as(load.output()).isZero();
        String section = Files.readString(report);
        assertThat(section).contains("## Under load").contains("| Tether | 2 | 1 | 1 |");
        List<String> managed = section.lines()
                .filter(l -> l.startsWith("| Tether, Managed Instances |"))
                .toList();
        assertThat(managed)
                .as(section)
                .hasSize(2)
                .allSatisfy(row -> assertThat(row).contains("(100.0 %) | 0 |"));
    }

    private record Run(int exit, String output) {}

    private static Run run(String... args) throws Exception {
        return run(60, args);
    }

    private static Run run(int seconds, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar",
                Path.of("target/tether-bench.jar").toAbsolutePath().toString()));
        command.addAll(List.of(args));
        Path log = Files.createTempFile("tether-bench", ".log");
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        // The output goes to a file: a pipe nobody reads would fill up and stall a long run.
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the benchmark did not end within " + seconds + " s");
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        Files.delete(log);
        return new Run(process.exitValue(), output);
    }
}
