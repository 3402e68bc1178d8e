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

    /**
     * Lambda Managed Instances on the same C connections: {environments, invocations each runs at once, pool size}.
     * Environments × pool from C to 4C, as the classic rows' containers.
     */
    static final int[][] MANAGED = {{1, 8, 8}, {2, 8, 4}, {4, 8, 4}, {8, 8, 4}};

    /** The pool sizes of one environment running {@link #POOL_CONCURRENCY} invocations at once. */
    static final int[] POOL_SIZES = {1, 2, 4, 8};

    static final int POOL_CONCURRENCY = 8;

    /** How much of a run: the full section, or a short run of the same path (for tests). */
    record Scale(int events, int[] containers, int[][] managed, boolean warmUp) {
        static Scale full() {
            return new Scale(EVENTS, CONTAINERS, MANAGED, true);
        }

        static Scale quick() {
            return new Scale(1_200, new int[] {2}, new int[][] {{1, 4, 2}, {2, 4, 4}}, false);
        }
    }

    /** One run's figures. */
    record Row(
            String handler,
            int containers,
            int concurrency,
            int poolSize,
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
        return run(progress, Scale.full());
    }

    static List<Row> run(PrintStream progress, Scale scale) throws Exception {
        LocalPipeline.Containers naive = (url, user, password, dialect) -> new NaiveContainer(url, user, password);
        if (scale.warmUp()) {
            // A run of each first, not counted: the JVM compiles both paths before the first row is measured.
            run("Tether", CONNECTIONS, 1, 1, LocalPipeline.TETHER, progress, scale.events(), true);
            run("naive", CONNECTIONS, 1, 1, naive, progress, scale.events(), true);
        }
        List<Row> rows = new ArrayList<>();
        for (int containers : scale.containers()) {
            rows.add(run("Tether", containers, 1, 1, LocalPipeline.TETHER, progress, scale.events(), true));
            rows.add(run("naive", containers, 1, 1, naive, progress, scale.events(), true));
        }
        for (int[] managed : scale.managed()) {
            rows.add(run(
                    MANAGED_HANDLER,
                    managed[0],
                    managed[1],
                    managed[2],
                    LocalPipeline.TETHER,
                    progress,
                    scale.events(),
                    true));
        }
        rows.sort(java.util.Comparator.comparing(Row::handler)
                .reversed()
                .thenComparingInt(Row::containers)
                .thenComparingInt(Row::poolSize));
        return rows;
    }

    static final String MANAGED_HANDLER = "Tether, Managed Instances";

    /** Rows of Lambda Managed Instances that lost or repeated a valid event, or dead-lettered one: none may. */
    static List<Row> managedFailures(List<Row> rows) {
        return rows.stream()
                .filter(r -> r.handler().equals(MANAGED_HANDLER))
                .filter(r -> r.exact() != r.expected() || r.deadLettered() > 0)
                .toList();
    }

    /** One environment, {@link #POOL_CONCURRENCY} invocations at once, each pool size; no connection limit. */
    static List<Row> poolSizes(PrintStream progress, int events) throws Exception {
        run(MANAGED_HANDLER, 1, POOL_CONCURRENCY, POOL_CONCURRENCY, LocalPipeline.TETHER, progress, events, false);
        List<Row> rows = new ArrayList<>();
        for (int pool : POOL_SIZES) {
            rows.add(run(MANAGED_HANDLER, 1, POOL_CONCURRENCY, pool, LocalPipeline.TETHER, progress, events, false));
        }
        return rows;
    }

    /** The smallest pool whose throughput reaches 90 % of the largest pool's. */
    static int smallestPoolAtNinetyPercent(List<Row> poolRows) {
        double largest = poolRows.get(poolRows.size() - 1).throughput();
        return poolRows.stream()
                .filter(r -> r.throughput() >= 0.9 * largest)
                .mapToInt(Row::poolSize)
                .min()
                .orElse(POOL_CONCURRENCY);
    }

    /** The pool-size section of the default report. */
    static String poolMarkdown(List<Row> rows) {
        StringBuilder md = new StringBuilder("\n## One environment, ")
                .append(POOL_CONCURRENCY)
                .append(" concurrent invocations (Lambda Managed Instances)\n\n")
                .append("The local pipeline with one handler instance invoked from ")
                .append(POOL_CONCURRENCY)
                .append(" threads (batches of up to 50, order events queued before it starts, no connection limit),"
                        + " its pool of 1, 2, 4 and 8 connections. Throughput: messages deleted on their first"
                        + " receive per second.\n\n")
                .append("| pool size | throughput (msg/s) | vs pool of 1 | vs pool of ")
                .append(POOL_CONCURRENCY)
                .append(" | p50 / p99 invocation (ms) | exact | connections opened |\n|---|---|---|---|---|---|---|\n");
        double one = rows.get(0).throughput();
        double largest = rows.get(rows.size() - 1).throughput();
        for (Row row : rows) {
            md.append(String.format(
                    Locale.ROOT,
                    "| %d | %,.0f | %.2f× | %.0f %% | %.0f / %.0f | %d/%d | %d |%n",
                    row.poolSize(),
                    row.throughput(),
                    row.throughput() / one,
                    100 * row.throughput() / largest,
                    row.p50(),
                    row.p99(),
                    row.exact(),
                    row.expected(),
                    row.connectionsOpened()));
        }
        return md.append(String.format(
                        Locale.ROOT,
                        "%nSmallest pool at 90 %% of the pool of %d: %d. Target: the pool of %d at least 4× the pool"
                                + " of 1; measured %.2f×.%n",
                        POOL_CONCURRENCY,
                        smallestPoolAtNinetyPercent(rows),
                        POOL_CONCURRENCY,
                        largest / one))
                .toString();
    }

    private static Row run(
            String handler,
            int containers,
            int concurrency,
            int poolSize,
            LocalPipeline.Containers factory,
            PrintStream progress,
            int events,
            boolean limited)
            throws Exception {
        List<String> args = new ArrayList<>(List.of(
                "--events",
                String.valueOf(events),
                "--duplicates",
                "0.02",
                "--poison",
                "0",
                "--pollers",
                String.valueOf(containers),
                "--concurrency",
                String.valueOf(concurrency),
                "--pool-size",
                String.valueOf(poolSize),
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
                "load-" + (handler.equals(MANAGED_HANDLER) ? "managed" : handler.toLowerCase(Locale.ROOT)) + "-"
                        + containers + "x" + concurrency + "p" + poolSize));
        if (limited) {
            args.addAll(List.of("--db-max-connections", String.valueOf(CONNECTIONS)));
        }
        LocalPipeline.Options options = LocalPipeline.parse(args.toArray(String[]::new), Map.of());
        LocalPipeline.Report report =
                new LocalPipeline(options, new PrintStream(OutputStream.nullOutputStream()), factory).run();
        LocalPipeline.Load load = report.load();
        Row row = new Row(
                handler,
                containers,
                concurrency,
                poolSize,
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
                "load: %s, %d containers × %d at once, pool %d: %.0f msg/s, p99 %.0f ms, %d/%d exact,"
                        + " %d dead-lettered%n",
                handler,
                containers,
                concurrency,
                poolSize,
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
                .append("Managed Instances rows: N environments, each one handler instance invoked from K threads at"
                        + " once on a pool of P connections (N × P connections wanted).\n\n")
                .append("| handler | N | K at once | pool P | N×P/C | throughput (msg/s) | vs N×P = C | drain (s) |"
                        + " p50 / p99 invocation (ms) | exact | dead-lettered | whole-batch failures | redeliveries |"
                        + " connections opened | connection errors |\n")
                .append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (Row row : rows) {
            double atC = rows.stream()
                    .filter(r -> r.handler().equals(row.handler()) && r.containers() * r.poolSize() == CONNECTIONS)
                    .mapToDouble(Row::throughput)
                    .findFirst()
                    .orElse(Double.NaN);
            md.append(String.format(
                    Locale.ROOT,
                    "| %s | %d | %d | %d | %s | %,.0f | %s | %.1f | %.0f / %.0f | %d/%d (%.1f %%) |"
                            + " %d | %d | %d | %d | %s |%n",
                    row.handler(),
                    row.containers(),
                    row.concurrency(),
                    row.poolSize(),
                    ratio(row.containers() * row.poolSize()),
                    row.throughput(),
                    Double.isNaN(atC) ? "-" : String.format(Locale.ROOT, "%.2f×", row.throughput() / atC),
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
