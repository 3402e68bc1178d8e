package dev.tether.processor.observe;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tether.processor.link.DatabaseLink;
import dev.tether.processor.testing.TestDatabase;
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
        try (DatabaseLink link = new DatabaseLink(TestDatabase.fresh("tether_it_metrics").config())) {
            link.inTransaction(tx -> tx.dsl().fetchValue("SELECT 1"));
            BatchMetrics metrics = new BatchMetrics("Team \"A\"/Tether", "orders", link,
                    new PrintStream(bytes, true, StandardCharsets.UTF_8), Clock.fixed(now, ZoneOffset.UTC));

            metrics.record(7, 2, 1, 12.5);
            link.inTransaction(tx -> tx.dsl().fetchValue("SELECT 1"));
            metrics.record(3, 0, 0, 0.75);
        }

        List<JsonNode> lines = new ArrayList<>();
        for (String line : bytes.toString(StandardCharsets.UTF_8).split("\n")) {
            lines.add(new ObjectMapper().readTree(line));
        }
        assertThat(lines).hasSize(2);
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
            assertThat(first.get(metric.get("Name").asText()).isNumber()).as(metric.toString()).isTrue();
        }
        assertThat(declared).containsExactly("RecordsCommitted:Count", "RecordsFailed:Count",
                "RecordsDuplicate:Count", "BatchLatency:Milliseconds", "ConnectionNew:Count", "ConnectionAge:Seconds",
                "Reconnects:Count", "TransactionRetries:Count");
        assertThat(first.get("RecordsCommitted").asInt()).isEqualTo(7);
        assertThat(first.get("RecordsFailed").asInt()).isEqualTo(2);
        assertThat(first.get("RecordsDuplicate").asInt()).isEqualTo(1);
        assertThat(first.get("BatchLatency").asDouble()).isEqualTo(12.5);
        assertThat(first.get("ConnectionNew").asInt()).isEqualTo(1);
        assertThat(first.get("ConnectionAge").asDouble()).isGreaterThanOrEqualTo(0);
        assertThat(lines.get(1).get("RecordsCommitted").asInt()).isEqualTo(3);
        assertThat(lines.get(1).get("BatchLatency").asDouble()).isEqualTo(0.75);
        // The same connection served both batches: nothing new, nothing reconnected since the last line.
        assertThat(lines.get(1).get("ConnectionNew").asInt()).isEqualTo(0);
        assertThat(lines.get(1).get("Reconnects").asInt()).isEqualTo(0);
    }
}
