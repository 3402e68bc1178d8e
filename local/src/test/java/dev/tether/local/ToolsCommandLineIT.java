package dev.tether.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Each tool in the built jar, run as a user runs it: {@code --help} prints its usage and exits 0 at once, an unknown
 * option is refused with exit status 2, and neither starts anything (no embedded server, no queue, no log file).
 */
class ToolsCommandLineIT {

    private static final Path JAR = Path.of("target/tether-local.jar");

    @ParameterizedTest
    @ValueSource(strings = {"", "dev.tether.local.StreamReplay", "dev.tether.local.OrderEventProducer"})
    void helpPrintsTheUsageAndUnknownOptionsAreRefusedBeforeAnyWork(String mainClass) throws Exception {
        Path workDir = Files.createTempDirectory("tether-cli");

        Run help = run(workDir, mainClass, "--help");
        Run unknown = run(workDir, mainClass, "--bogus", "1");

        assertThat(help.exit()).as(help.output()).isZero();
        assertThat(help.output()).startsWith("usage: java ");
        assertThat(unknown.exit()).as(unknown.output()).isEqualTo(2);
        assertThat(unknown.output()).startsWith("unknown option --bogus").contains("usage: java ");
        try (var files = Files.list(workDir)) {
            assertThat(files).as("nothing written").isEmpty();
        }
    }

    @org.junit.jupiter.api.Test
    void theRunOfATeamsJarHasItsOwnUsageAndRefusesAnIncompleteCommandLineBeforeAnyWork() throws Exception {
        Path workDir = Files.createTempDirectory("tether-cli");

        Run help = run(workDir, "", "--handler-jar", "app.jar", "--help");
        Run bothModes = run(
                workDir,
                "",
                "--handler-jar",
                JAR.toAbsolutePath().toString(),
                "--handler",
                "a.B",
                "--bodies",
                "b.jsonl",
                "--serve");
        Run noJar = run(workDir, "", "--handler-jar", "missing.jar", "--handler", "a.B", "--serve");

        assertThat(help.exit()).as(help.output()).isZero();
        assertThat(help.output()).startsWith("usage: java -jar local/target/tether-local.jar --handler-jar JAR");
        assertThat(bothModes.exit()).as(bothModes.output()).isEqualTo(2);
        assertThat(bothModes.output()).startsWith("give either --bodies FILE or --serve, not both");
        assertThat(noJar.exit()).as(noJar.output()).isEqualTo(2);
        assertThat(noJar.output()).startsWith("--handler-jar: no such file missing.jar");
        try (var files = Files.list(workDir)) {
            assertThat(files).as("nothing written").isEmpty();
        }
    }

    private record Run(int exit, String output) {}

    private static Run run(Path workDir, String mainClass, String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        if (mainClass.isEmpty()) {
            command.add("-jar");
            command.add(JAR.toAbsolutePath().toString());
        } else {
            command.add("-cp");
            command.add(JAR.toAbsolutePath().toString());
            command.add(mainClass);
        }
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command)
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS))
                .as("answered without doing the work")
                .isTrue();
        return new Run(
                process.exitValue(), new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }
}
