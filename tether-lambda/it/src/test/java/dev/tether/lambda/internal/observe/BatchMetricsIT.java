package dev.tether.lambda.internal.observe;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tether.lambda.link.DatabaseLink;
import dev.tether.testing.Sql;
import dev.tether.testing.TestDatabase;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The metrics line is valid EMF: CloudWatch extracts every metric, with its unit, under the handler dimension. */
class BatchMetricsIT {

    @Test
    void writesOneEmbeddedMetricFormatLinePerBatch() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Instant now = Instant.parse("2026-11-27T08:00:00.123Z");
        TestDatabase.Database database = TestDatabase.fresh("tether_it_metrics");
        try (DatabaseLink link = new DatabaseLink(database.config())) {
            link.inTransaction(tx -> tx.dsl().fetchValue("SELECT 1"));
            BatchMetrics metrics = new BatchMetrics(
                    "Team \"A\"/Tether",
                    "orders",
                    link,
                    new PrintStream(bytes, true, StandardCharsets.UTF_8),
                    Clock.fixed(now, ZoneOffset.UTC));

            metrics.record(7, 2, 1, 12.5);
            Thread.sleep(1_100); // the connection ages between batches
            link.inTransaction(tx -> tx.dsl().fetchValue("SELECT 1"));
            metrics.record(3, 0, 0, 0.75);
            Sql.execute(database, "KILL CONNECTION " + link.connectionId());
            link.inTransaction(tx -> tx.dsl().fetchValue("SELECT 1"));
            metrics.record(1, 0, 0, 1);
        }

        List<JsonNode> lines = new ArrayList<>();
        for (String line : bytes.toString(StandardCharsets.UTF_8).split("\n")) {
            lines.add(new ObjectMapper().readTree(line));
        }
        assertThat(lines).hasSize(3);
        JsonNode first = lines.get(0);
        JsonNode aws = first.get("_aws");
        assertThat(aws.get("Timestamp").asLong()).isEqualTo(now.toEpochMilli());
        JsonNode directive = aws.get("CloudWatchMetrics").get(0);
        assertThat(directive.get("Namespace").asText()).isEqualTo("Team \"A\"/Tether");
        assertThat(directive.get("Dimensions").toString()).isEqualTo("[[\"handler\"]]");
        assertThat(first.get("handler").asText()).isEqualTo("orders");
        // Every declared metric has a numeric value at the top level, as EMF requires.
        List<String> declared = new ArrayList<>();
        for (JsonNode metric : directive.get("Metrics")) {
            declared.add(metric.get("Name").asText() + ":" + metric.get("Unit").asText());
            assertThat(first.get(metric.get("Name").asText()).isNumber())
                    .as(metric.toString())
                    .isTrue();
        }
        assertThat(declared)
                .containsExactly(
                        "RecordsCommitted:Count",
                        "RecordsFailed:Count",
                        "RecordsDuplicate:Count",
                        "BatchLatency:Milliseconds",
                        "ConnectionNew:Count",
                        "ConnectionAge:Seconds",
                        "Reconnects:Count",
                        "TransactionRetries:Count");
        assertThat(first.get("RecordsCommitted").asInt()).isEqualTo(7);
        assertThat(first.get("RecordsFailed").asInt()).isEqualTo(2);
        assertThat(first.get("RecordsDuplicate").asInt()).isEqualTo(1);
        assertThat(first.get("BatchLatency").asDouble()).isEqualTo(12.5);
        assertThat(first.get("ConnectionNew").asInt()).isEqualTo(1);
        JsonNode second = lines.get(1);
        assertThat(second.get("RecordsCommitted").asInt()).isEqualTo(3);
        assertThat(second.get("BatchLatency").asDouble()).isEqualTo(0.75);
        // The same connection served both batches: nothing new, nothing reconnected since the last line, and the
        // connection is older by the pause between them.
        assertThat(second.get("ConnectionNew").asInt()).isEqualTo(0);
        assertThat(second.get("Reconnects").asInt()).isEqualTo(0);
        assertThat(second.get("ConnectionAge").asDouble())
                .isGreaterThanOrEqualTo(first.get("ConnectionAge").asDouble() + 1.1);
        // The killed connection was replaced: a new one, one reconnect, and its age starts again.
        JsonNode third = lines.get(2);
        assertThat(third.get("ConnectionNew").asInt()).isEqualTo(1);
        assertThat(third.get("Reconnects").asInt()).isEqualTo(1);
        assertThat(third.get("ConnectionAge").asDouble())
                .isLessThan(second.get("ConnectionAge").asDouble());
    }
}
