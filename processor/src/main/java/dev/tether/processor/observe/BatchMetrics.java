package dev.tether.processor.observe;

import dev.tether.processor.link.DatabaseLink;
import software.amazon.cloudwatchlogs.emf.config.EnvironmentConfigurationProvider;
import software.amazon.cloudwatchlogs.emf.environment.Environments;
import software.amazon.lambda.powertools.metrics.Metrics;
import software.amazon.lambda.powertools.metrics.MetricsBuilder;
import software.amazon.lambda.powertools.metrics.model.MetricUnit;

/**
 * Per-batch metrics as CloudWatch embedded metric format (Powertools metrics): records committed, failed and
 * duplicate, batch latency, and the state of the container's connection (new or reused, its age, reconnects and
 * retried transactions so far).
 */
public final class BatchMetrics {

    static {
        // EMF guesses its environment; outside Lambda (local runner, tests) it would pick the CloudWatch agent sink,
        // whose sender thread retries a TCP connection and keeps the JVM alive. Tether's handlers always write EMF
        // to standard output, as in Lambda.
        EnvironmentConfigurationProvider.getConfig().setEnvironmentOverride(Environments.Lambda);
    }

    private final Metrics metrics;
    private final DatabaseLink link;
    private long reportedReconnects;
    private long reportedRetries;

    public BatchMetrics(String namespace, String handlerName, DatabaseLink link) {
        this.metrics = MetricsBuilder.builder()
                .withNamespace(namespace)
                .withRaiseOnEmptyMetrics(false)
                .withDefaultDimension("handler", handlerName)
                .build();
        this.link = link;
    }

    /** Emits one batch's figures. */
    public void record(int committed, int failed, int duplicates, double latencyMs) {
        metrics.addMetric("RecordsCommitted", committed, MetricUnit.COUNT);
        metrics.addMetric("RecordsFailed", failed, MetricUnit.COUNT);
        metrics.addMetric("RecordsDuplicate", duplicates, MetricUnit.COUNT);
        metrics.addMetric("BatchLatency", latencyMs, MetricUnit.MILLISECONDS);
        metrics.addMetric("ConnectionNew", link.lastConnectionWasNew() ? 1 : 0, MetricUnit.COUNT);
        metrics.addMetric("ConnectionAge", link.connectionAgeMillis() / 1000.0, MetricUnit.SECONDS);
        metrics.addMetric("Reconnects", link.reconnects() - reportedReconnects, MetricUnit.COUNT);
        metrics.addMetric("TransactionRetries", link.retries() - reportedRetries, MetricUnit.COUNT);
        reportedReconnects = link.reconnects();
        reportedRetries = link.retries();
        metrics.flush();
    }
}
