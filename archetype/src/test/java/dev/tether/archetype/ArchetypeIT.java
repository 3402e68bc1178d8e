package dev.tether.archetype;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What a team does on day one, with Maven itself: {@code mvn archetype:generate} from this build's archetype, then
 * {@code mvn -B -o verify} in the generated project, against this build's Tether artifacts and nothing downloaded.
 *
 * <p>The nested builds use a local repository of their own in which {@code dev/tether} holds this reactor's freshly
 * built artifacts (so a fresh clone's {@code mvn verify}, which installs nothing, is tested as after {@code mvn
 * install}) and every other group is a link to the real local repository.
 */
class ArchetypeIT {

    private static final String VERSION = System.getProperty("tether.version");
    private static final Path ROOT = Path.of(System.getProperty("tether.root")).normalize();
    private static Path work;
    private static Path repository;
    private static Path project;
    private static String verifyOutput;
    private static int verifyExit;

    @BeforeAll
    static void generateAndVerify() throws Exception {
        work = Files.createTempDirectory("tether-archetype-it");
        repository = localRepository(work.resolve("repository"));

        Run generate = maven(
                work,
                "org.apache.maven.plugins:maven-archetype-plugin:3.4.1:generate",
                "-DarchetypeGroupId=dev.tether",
                "-DarchetypeArtifactId=tether-archetype",
                "-DarchetypeVersion=" + VERSION,
                "-DarchetypeCatalog=local",
                "-DgroupId=com.example.shipping",
                "-DartifactId=shipping-events",
                "-Dpackage=com.example.shipping",
                "-DinteractiveMode=false");
        assertThat(generate.exit()).as(generate.output()).isZero();
        project = work.resolve("shipping-events");

        Run verify = maven(project, "verify");
        verifyOutput = verify.output();
        verifyExit = verify.exit();
    }

    @AfterAll
    static void cleanUp() throws IOException {
        if (work != null && !Boolean.getBoolean("tether.archetype.keep")) {
            try (Stream<Path> files = Files.walk(work)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p); // links are deleted, never followed
                }
            }
        }
    }

    @Test
    void theGeneratedProjectBuildsOfflineAndPassesItsOwnTests() {
        assertThat(verifyExit).as(tail(verifyOutput)).isZero();
        assertThat(verifyOutput)
                .contains("BUILD SUCCESS")
                .containsPattern("Tests run: 7, Failures: 0, Errors: 0, Skipped: 0, Time elapsed: [\\d.]+ s"
                        + " -- in com.example.shipping.ShipmentContractIT")
                .containsPattern("Tests run: 1, Failures: 0, Errors: 0, Skipped: 0, Time elapsed: [\\d.]+ s"
                        + " -- in com.example.shipping.ShipmentHandlerIT")
                .containsPattern("Tests run: 1, Failures: 0, Errors: 0, Skipped: 0, Time elapsed: [\\d.]+ s"
                        + " -- in com.example.shipping.CarrierStreamHandlerIT")
                .containsPattern("Tests run: 1, Failures: 0, Errors: 0, Skipped: 0, Time elapsed: [\\d.]+ s"
                        + " -- in com.example.shipping.ConnectionBudgetTest");
        assertThat(project.resolve("target/shipping-events.jar")).isRegularFile();
        assertThat(project.resolve("target/generated-sources/jooq/com/example/shipping/db/tables/Shipments.java"))
                .isRegularFile();
    }

    @Test
    void theProjectHasEverythingToDeployAndRunLocally() throws IOException {
        String serverless = Files.readString(project.resolve("serverless.yml"));
        assertThat(serverless)
                .contains("service: shipping-events\n")
                .contains("handler: com.example.shipping.ShipmentHandler::handleRequest")
                .contains("handler: com.example.shipping.CarrierStreamHandler::handleRequest")
                .contains("artifact: target/shipping-events.jar")
                .contains("functionResponseType: ReportBatchItemFailures")
                .contains("deadLetterTargetArn")
                .contains("${param:dbUrl}")
                .doesNotContain("]]#")
                .doesNotContain("#[[");
        assertThat(project.resolve("src/main/resources/log4j2.xml")).content().contains("JsonTemplateLayout");
        assertThat(project.resolve("src/main/resources/db/migration/V1__shipments.sql"))
                .isRegularFile();
        assertThat(project.resolve("events/shipments.jsonl")).isRegularFile();
        assertThat(project.resolve(".gitignore")).content().contains("target/");
        assertThat(project.resolve("README.md")).content().contains("shipping-events");
        assertThat(project.resolve("pom.xml"))
                .content()
                .contains("<tether.version>" + VERSION + "</tether.version>")
                .doesNotContain("@project.version@");
    }

    @Test
    void theGeneratedServerlessYmlPackagesWithTheServerlessFrameworkCli() throws Exception {
        Path osls = ROOT.resolve("node_modules/osls/bin/serverless.js");
        assertThat(osls)
                .as("osls is not installed: run 'npm ci' in the repository root (the README's test command does)")
                .isRegularFile();
        Path out = work.resolve("sls-package");
        ProcessBuilder builder = new ProcessBuilder(
                        "node", osls.toString(), "package", "--stage", "ci", "--package", out.toString())
                .directory(project.toFile())
                .redirectErrorStream(true);
        builder.environment().keySet().removeIf(k -> k.startsWith("AWS_"));
        builder.environment().put("SLS_TELEMETRY_DISABLED", "1");
        Path log = Files.createTempFile(work, "osls", ".log");
        Process process = builder.redirectOutput(log.toFile()).start();
        boolean exited = process.waitFor(5, TimeUnit.MINUTES);
        String output = Files.readString(log, StandardCharsets.UTF_8);
        assertThat(exited && process.exitValue() == 0).as(output).isTrue();

        String template = Files.readString(out.resolve("cloudformation-template-update-stack.json"));
        assertThat(template)
                .contains("\"ShipmentsEventSourceMappingSQSShipmentEventsQueue\"")
                .contains("\"CarriersEventSourceMappingDynamodbCarriersTable\"")
                .contains("\"ReportBatchItemFailures\"")
                .contains("\"deadLetterTargetArn\"")
                .contains("\"MaximumConcurrency\": 20")
                .contains("\"ReservedConcurrentExecutions\": 4")
                .contains("\"TETHER_STREAM_ROUTES\": \"Carriers-ci=carriers\"");
    }

    @Test
    void theFirstHandlerWithTwoMessageTypesIsAtMostThirtyLinesOfJava() throws IOException {
        Path handler = project.resolve("src/main/java/com/example/shipping/ShipmentHandler.java");
        String source = Files.readString(handler);
        long lines = source.lines()
                .map(String::strip)
                .filter(l -> !l.isEmpty())
                .filter(l -> !l.startsWith("//") && !l.startsWith("/*") && !l.startsWith("*"))
                .filter(l -> !l.startsWith("package ") && !l.startsWith("import "))
                .count();

        assertThat(lines).isLessThanOrEqualTo(30);
        assertThat(source)
                .contains("Instant dispatchedAt, Instant promisedBy, Optional<String> trackingUrl")
                .doesNotContain("MessageReader")
                .doesNotContain("ObjectMapper");
    }

    private record Run(int exit, String output) {}

    private static Run maven(Path directory, String... arguments) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("maven.home"), "bin", "mvn").toString());
        command.add("-B");
        command.add("-o");
        command.add("-Dmaven.repo.local=" + repository);
        command.add("-Dstyle.color=never");
        command.addAll(List.of(arguments));
        Path log = Files.createTempFile(work, "maven", ".log");
        Process process = new ProcessBuilder(command)
                .directory(directory.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        process.getOutputStream().close();
        if (!process.waitFor(15, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError("mvn " + String.join(" ", arguments) + " ran over 15 minutes\n"
                    + tail(Files.readString(log, StandardCharsets.UTF_8)));
        }
        return new Run(process.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    }

    /** A local repository: this reactor's dev.tether artifacts, every other group linked to the real one. */
    private static Path localRepository(Path repository) throws IOException {
        Path real = Path.of(System.getProperty("maven.repo.local"));
        Files.createDirectories(repository.resolve("dev"));
        try (Stream<Path> groups = Files.list(real)) {
            for (Path group : groups.toList()) {
                if (!group.getFileName().toString().equals("dev")) {
                    Files.createSymbolicLink(
                            repository.resolve(group.getFileName().toString()), group);
                }
            }
        }
        Path realDev = real.resolve("dev");
        if (Files.isDirectory(realDev)) {
            try (Stream<Path> groups = Files.list(realDev)) {
                for (Path group : groups.toList()) {
                    if (!group.getFileName().toString().equals("tether")) {
                        Files.createSymbolicLink(
                                repository
                                        .resolve("dev")
                                        .resolve(group.getFileName().toString()),
                                group);
                    }
                }
            }
        }
        put(repository, "tether-parent", ROOT.resolve("pom.xml"), null);
        put(repository, "tether-bom", ROOT.resolve("bom/pom.xml"), null);
        put(repository, "tether-embedded", ROOT.resolve("embedded/pom.xml"), ROOT.resolve("embedded/target"));
        put(repository, "tether-lambda", ROOT.resolve("tether-lambda/pom.xml"), ROOT.resolve("tether-lambda/target"));
        put(repository, "tether-testing", ROOT.resolve("testing/pom.xml"), ROOT.resolve("testing/target"));
        put(repository, "tether-archetype", ROOT.resolve("archetype/pom.xml"), ROOT.resolve("archetype/target"));
        return repository;
    }

    private static void put(Path repository, String artifactId, Path pom, Path target) throws IOException {
        Path directory = repository.resolve("dev/tether").resolve(artifactId).resolve(VERSION);
        Files.createDirectories(directory);
        Files.copy(pom, directory.resolve(artifactId + "-" + VERSION + ".pom"));
        if (target != null) {
            Path jar = target.resolve(artifactId + "-" + VERSION + ".jar");
            assertThat(jar).as("built by this reactor before the archetype").isRegularFile();
            Files.copy(jar, directory.resolve(artifactId + "-" + VERSION + ".jar"));
        }
    }

    private static String tail(String output) {
        return output.length() > 20_000 ? output.substring(output.length() - 20_000) : output;
    }
}
