package dev.tether.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.embedded.EmbeddedMariaDb;
import dev.tether.lambda.config.TetherConfig;
import dev.tether.processor.handler.CustomerStreamHandler;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.Map;
import org.jooq.SQLDialect;
import org.junit.jupiter.api.Test;

/** The whole pipeline, end to end, on embedded SQS and MariaDB. */
class LocalPipelineIT {

    @Test
    void aFewThousandEventsWithDuplicatesAndPoisonLandExactlyOnceAndThePoisonInTheDeadLetterQueue() throws Exception {
        LocalPipeline.Options options = LocalPipeline.parse(
                new String[] {
                    "--events",
                    "3000",
                    "--duplicates",
                    "0.05",
                    "--poison",
                    "0.01",
                    "--pollers",
                    "2",
                    "--batch-size",
                    "50",
                    "--visibility-s",
                    "2",
                    "--max-receive",
                    "2",
                    "--no-progress",
                    "--seed",
                    "7",
                    "--timeout-s",
                    "300"
                },
                Map.of());
        ByteArrayOutputStream console = new ByteArrayOutputStream();

        LocalPipeline.Report report =
                new LocalPipeline(options, new PrintStream(console, true, StandardCharsets.UTF_8)).run();

        String summary = console.toString(StandardCharsets.UTF_8);
        assertThat(report.mismatches()).as(summary).isEmpty();
        assertThat(report.sent()).isEqualTo(3000);
        assertThat(report.deadLettered()).isGreaterThan(0);
        assertThat(report.connectionsOpened()).isEqualTo(2);
        assertThat(summary).contains("Tether local pipeline: OK").contains("2 opened by 2 pollers");
    }

    @Test
    void eightContainersOnTwoConnectionsApplyEveryEventOnceAndDeadLetterOnlyThePoison() throws Exception {
        LocalPipeline.Options options = LocalPipeline.parse(
                new String[] {
                    "--events",
                    "3000",
                    "--duplicates",
                    "0.05",
                    "--poison",
                    "0.01",
                    "--pollers",
                    "8",
                    "--db-max-connections",
                    "2",
                    "--batch-size",
                    "50",
                    "--window-ms",
                    "50",
                    "--visibility-s",
                    "12",
                    "--function-timeout-ms",
                    "2000",
                    "--no-progress",
                    "--seed",
                    "11",
                    "--timeout-s",
                    "300",
                    "--queue",
                    "tether-load"
                },
                Map.of());
        ByteArrayOutputStream console = new ByteArrayOutputStream();

        LocalPipeline.Report report =
                new LocalPipeline(options, new PrintStream(console, true, StandardCharsets.UTF_8)).run();

        String summary = console.toString(StandardCharsets.UTF_8);
        // Exactly once, and only the poison in the dead-letter queue (maxReceiveCount 2, the pipeline's default).
        assertThat(report.mismatches()).as(summary).isEmpty();
        assertThat(report.ok()).isTrue();
        // The limit was met, and the containers took turns: more connections opened than pollers.
        assertThat(report.load().connectErrors()).as(summary).isNotEmpty();
        assertThat(report.connectionsOpened()).as(summary).isGreaterThan(8);
        assertThat(summary)
                .contains("(at most 2 at a time)")
                .contains("whole-batch failures")
                .contains("p99");
    }

    @Test
    void aFileOfStreamRecordsReplaysWithCheckpointsAndSkipsWhatNeverApplies() throws Exception {
        EmbeddedMariaDb db = EmbeddedMariaDb.shared();
        db.recreateDatabase("tether_replay");
        TetherConfig config =
                TetherConfig.of(db.jdbcUrl("tether_replay"), db.user(), db.password(), SQLDialect.MARIADB);
        Path file = Files.createTempFile("stream", ".json");
        StringBuilder json = new StringBuilder("{\"Records\":[");
        for (int i = 1; i <= 25; i++) {
            String credit = i == 12 ? "1.001" : i + ".5"; // record 12 never fits DECIMAL(18,2)
            json.append(i > 1 ? "," : "")
                    .append("{\"eventID\":\"")
                    .append(i)
                    .append("\",\"eventName\":\"INSERT\","
                            + "\"eventSource\":\"aws:dynamodb\",\"awsRegion\":\"eu-west-1\",\"dynamodb\":{\"Keys\":"
                            + "{\"customerId\":{\"S\":\"c")
                    .append(i)
                    .append("\"}},\"NewImage\":{\"customerId\":{\"S\":\"c")
                    .append(i)
                    .append("\"},\"creditLimit\":{\"N\":\"")
                    .append(credit)
                    .append("\"}},\"SequenceNumber\":\"")
                    .append(1000 + i)
                    .append("\",\"SizeBytes\":50,\"StreamViewType\":\"NEW_AND_OLD_IMAGES\"}}");
        }
        Files.writeString(file, json.append("]}").toString());

        StreamReplay.Result result;
        try (CustomerStreamHandler handler = new CustomerStreamHandler(config)) {
            result = StreamReplay.replay(handler, file, 10, 2);
        }

        assertThat(result.skipped()).containsExactly("1012");
        assertThat(result.retries()).isEqualTo(2);
        try (Connection connection = DriverManager.getConnection(config.dbUrl(), config.dbUser(), config.dbPassword());
                ResultSet rs = connection.createStatement().executeQuery("SELECT COUNT(*) FROM customers")) {
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(24);
        }
    }
}
