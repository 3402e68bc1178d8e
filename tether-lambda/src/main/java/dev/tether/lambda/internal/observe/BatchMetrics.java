package dev.tether.lambda.internal.observe;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import dev.tether.lambda.link.DatabaseLink;
import java.io.PrintStream;
import java.time.Clock;

/**
 * Per-batch metrics in CloudWatch's embedded metric format (EMF): records committed, failed and duplicate, batch
 * latency, and the state of the container's connection (new or reused, its age, reconnects and retried transactions
 * since the last batch). One JSON line per batch on standard output, which Lambda sends to CloudWatch Logs, where
 * CloudWatch extracts the metrics ("Specification: Embedded metric format",
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html).
 *
 * <p>The line is written directly: its shape is fixed, so everything but the figures is rendered once, and a batch
 * pays a few hundred nanoseconds for its metrics rather than a serializer's tens of microseconds.
 */
public final class BatchMetrics {

    private static final String HEAD = "{\"_aws\":{\"Timestamp\":";

    /** The metrics, in the order of the line, with their EMF units. */
    private static final String[][] METRICS = {
        {"RecordsCommitted", "Count"},
        {"RecordsFailed", "Count"},
        {"RecordsDuplicate", "Count"},
        {"BatchLatency", "Milliseconds"},
        {"ConnectionNew", "Count"},
        {"ConnectionAge", "Seconds"},
        {"Reconnects", "Count"},
        {"TransactionRetries", "Count"},
    };

    private final PrintStream out;
    private final Clock clock;
    private final DatabaseLink link;
    private final String middle;
    private final String routeMiddle;
    /** Per invocation thread: what its last line reported, so that each line counts its own invocation's. */
    private final ThreadLocal<long[]> reported = ThreadLocal.withInitial(() -> new long[2]);

    /**
     * Metrics of the handler named {@code handlerName} (the one dimension), on standard output: whatever
     * {@code System.out} is when a batch ends, so a runner that redirects it later is obeyed.
     */
    public BatchMetrics(String namespace, String handlerName, DatabaseLink link) {
        this(namespace, handlerName, link, null, Clock.systemUTC());
    }

    /** {@code out} null: {@code System.out}. */
    BatchMetrics(String namespace, String handlerName, DatabaseLink link, PrintStream out, Clock clock) {
        this.link = link;
        this.out = out;
        this.clock = clock;
        StringBuilder definitions = new StringBuilder();
        for (String[] metric : METRICS) {
            definitions
                    .append(definitions.length() > 0 ? "," : "")
                    .append("{\"Name\":\"")
                    .append(metric[0])
                    .append("\",\"Unit\":\"")
                    .append(metric[1])
                    .append("\"}");
        }
        this.middle = ",\"CloudWatchMetrics\":[{\"Namespace\":" + quoted(namespace) + ",\"Dimensions\":[[\"handler\"]],"
                + "\"Metrics\":[" + definitions + "]}]},\"handler\":" + quoted(handlerName);
        this.routeMiddle = ",\"CloudWatchMetrics\":[{\"Namespace\":" + quoted(namespace)
                + ",\"Dimensions\":[[\"handler\",\"route\"]],\"Metrics\":[{\"Name\":\"RecordsCommitted\",\"Unit\":\"Count\"},"
                + "{\"Name\":\"RecordsFailed\",\"Unit\":\"Count\"}]}]},\"handler\":" + quoted(handlerName);
    }

    /**
     * Emits one route's share of a batch, on a line of its own with the dimensions handler and route (an EMF line
     * states one dimension set for all its metrics).
     */
    public void recordRoute(String route, int committed, int failed) {
        String line = HEAD + clock.millis() + routeMiddle + ",\"route\":" + quoted(route) + ",\"RecordsCommitted\":"
                + committed + ",\"RecordsFailed\":" + failed + "}";
        (out != null ? out : System.out).println(line);
    }

    /** Emits one batch's figures. */
    public void record(int committed, int failed, int duplicates, double latencyMs) {
        long reconnects = link.threadReconnects();
        long retries = link.threadRetries();
        long[] before = reported.get();
        Object[] values = {
            committed,
            failed,
            duplicates,
            latencyMs,
            link.lastConnectionWasNew() ? 1 : 0,
            link.connectionAgeMillis() / 1000.0,
            reconnects - before[0],
            retries - before[1],
        };
        before[0] = reconnects;
        before[1] = retries;
        StringBuilder line = new StringBuilder(HEAD.length() + middle.length() + 256)
                .append(HEAD)
                .append(clock.millis())
                .append(middle);
        for (int i = 0; i < METRICS.length; i++) {
            line.append(",\"").append(METRICS[i][0]).append("\":").append(values[i]);
        }
        (out != null ? out : System.out).println(line.append('}'));
    }

    private static String quoted(String text) {
        return "\"" + new String(JsonStringEncoder.getInstance().quoteAsString(text)) + "\"";
    }
}
