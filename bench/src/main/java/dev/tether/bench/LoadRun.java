package dev.tether.bench;

import dev.tether.local.LocalPipeline;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The load section: N emulated containers drain the same queue of order events through the local pipeline (real SQS
 * protocol, ElasticMQ) into the embedded MariaDB, whose handlers' login may hold C connections at once; Tether
 * against the naive connect-per-invocation handler, on the same data.
 */
final class LoadRun {

    /** The connections the handlers' login may hold. */
    static final int CONNECTIONS = 8;

    /** Containers per run: 1 to 4C. */
    static final int[] CONTAINERS = {1, 2, 4, 8, 16, 32};

    static final int EVENTS = 12_000;

    /** One run's figures. */
    record Row(
            String handler,
            int containers,
            double throughput,
            double p50,
            double p99,
            int exact,
            int expected,
            long deadLettered,
            long redeliveries,
            long wholeBatchFailures,
            Map<String, Long> connectErrors,
            long connectionsOpened,
            double seconds) {}

    private LoadRun() {}

    static List<Row> run(PrintStream progress) throws Exception {
        LocalPipeline.Containers naive = (url, user, password, dialect) -> new NaiveContainer(url, user, password);
        // A run of each first, not counted: the JVM compiles both paths before the first row is measured.
        run("Tether", CONNECTIONS, LocalPipeline.TETHER, progress);
        run("naive", CONNECTIONS, naive, progress);
        List<Row> rows = new ArrayList<>();
        for (int containers : CONTAINERS) {
            rows.add(run("Tether", containers, LocalPipeline.TETHER, progress));
            rows.add(run("naive", containers, naive, progress));
        }
        rows.sort(java.util.Comparator.comparing(Row::handler).reversed().thenComparingInt(Row::containers));
        return rows;
    }

    private static Row run(String handler, int containers, LocalPipeline.Containers factory, PrintStream progress)
            throws Exception {
        LocalPipeline.Options options = LocalPipeline.parse(
                new String[] {
                    "--events",
                    String.valueOf(EVENTS),
                    "--duplicates",
                    "0.02",
                    "--poison",
                    "0",
                    "--pollers",
                    String.valueOf(containers),
                    "--db-max-connections",
                    String.valueOf(CONNECTIONS),
                    "--batch-size",
                    "50",
                    "--window-ms",
                    "20",
                    "--visibility-s",
                    "12",
                    "--function-timeout-ms",
                    "2000",
                    "--prefill",
                    "--no-progress",
                    "--seed",
                    "5",
                    "--timeout-s",
                    "180",
                    "--queue",
                    "load-" + handler.toLowerCase(Locale.ROOT) + "-" + containers
                },
                Map.of());
        LocalPipeline.Report report =
                new LocalPipeline(options, new PrintStream(OutputStream.nullOutputStream()), factory).run();
        LocalPipeline.Load load = report.load();
        Row row = new Row(
                handler,
                containers,
                load.firstPassThroughput(),
                load.p50Millis(),
                load.p99Millis(),
                report.balancesExact(),
                report.balancesExpected(),
                report.deadLettered(),
                load.redeliveries(),
                load.wholeBatchFailures(),
                load.connectErrors(),
                report.connectionsOpened(),
                load.drainSeconds());
        progress.printf(
                Locale.ROOT,
                "load: %s, %d containers: %.0f msg/s, p99 %.0f ms, %d/%d exact, %d dead-lettered%n",
                handler,
                containers,
                row.throughput(),
                row.p99(),
                row.exact(),
                row.expected(),
                row.deadLettered());
        return row;
    }

    /** The section of docs/PERFORMANCE.md, between its markers. */
    static String markdown(List<Row> rows, String command) {
        StringBuilder md = new StringBuilder(START)
                .append("\n## Under load: N containers on C = ")
                .append(CONNECTIONS)
                .append(" connections\n\n")
                .append("Written by `")
                .append(command)
                .append("`. ")
                .append(EVENTS)
                .append(" order events (2 %")
                .append(
                        " duplicates) queued before the containers start, drained by N emulated containers through the"
                                + " local pipeline (ElasticMQ, batches of up to 50, visibility 12 s, maxReceiveCount 2, 2 s per"
                                + " invocation, a sixth of the visibility timeout as AWS advises) into the embedded MariaDB, whose handlers' login may hold ")
                .append(CONNECTIONS)
                .append(" connections at once. One run; the same events for every row. Exact:"
                        + " customer balances equal to every payment applied once (duplicates included in what was"
                        + " sent). Dead-lettered: valid events in the dead-letter queue (none were invalid). Throughput:"
                        + " messages deleted on their first receive per second of that first pass; drain: seconds until"
                        + " the queue was empty, which includes every redelivery's wait for the 12 s visibility"
                        + " timeout.\n\n")
                .append("| handler | N | N/C | throughput (msg/s) | vs N = C | drain (s) | p50 / p99 invocation (ms) |"
                        + " exact | dead-lettered | whole-batch failures | redeliveries | connections opened |"
                        + " connection errors |\n")
                .append("|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (Row row : rows) {
            double atC = rows.stream()
                    .filter(r -> r.handler().equals(row.handler()) && r.containers() == CONNECTIONS)
                    .mapToDouble(Row::throughput)
                    .findFirst()
                    .orElse(Double.NaN);
            md.append(String.format(
                    Locale.ROOT,
                    "| %s | %d | %s | %,.0f | %.2f× | %.1f | %.0f / %.0f | %d/%d (%.1f %%) |"
                            + " %d | %d | %d | %d | %s |%n",
                    row.handler(),
                    row.containers(),
                    ratio(row.containers()),
                    row.throughput(),
                    row.throughput() / atC,
                    row.seconds(),
                    row.p50(),
                    row.p99(),
                    row.exact(),
                    row.expected(),
                    100.0 * row.exact() / row.expected(),
                    row.deadLettered(),
                    row.wholeBatchFailures(),
                    row.redeliveries(),
                    row.connectionsOpened(),
                    row.connectErrors().isEmpty()
                            ? "none"
                            : row.connectErrors().entrySet().stream()
                                    .map(e -> e.getKey() + " ×" + e.getValue())
                                    .collect(Collectors.joining(", "))));
        }
        return md.append('\n').append(END).append('\n').toString();
    }

    private static String ratio(int containers) {
        return containers % CONNECTIONS == 0
                ? containers / CONNECTIONS + "C"
                : String.format(Locale.ROOT, "%.2fC", (double) containers / CONNECTIONS);
    }

    static final String START = "<!-- load: written by --load -->";
    static final String END = "<!-- load: end -->";

    /** {@code document} with its load section replaced by {@code section} (or added before the notes). */
    static String withSection(String document, String section, String notesMarker) {
        int start = document.indexOf(START);
        int end = document.indexOf(END);
        if (start >= 0 && end > start) {
            return document.substring(0, start) + section + document.substring(end + END.length() + 1);
        }
        int notes = document.indexOf(notesMarker);
        return notes < 0
                ? document + "\n" + section
                : document.substring(0, notes) + section + "\n" + document.substring(notes);
    }
}
