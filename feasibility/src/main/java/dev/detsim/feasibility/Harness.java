package dev.detsim.feasibility;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * {@code detsim feasibility}: runs every probe within the time budget, evaluates the thresholds, and writes the
 * reports. With a cockroach binary the CockroachDB rows run; without one they are reported as not run and the
 * stand-ins (etcd, dqlite-demo) run instead. Logs of every run stay in {@code OUT/logs}.
 */
public final class Harness {
    private final Options options;
    private final Sandbox sandbox;
    private final Progress progress;
    private final String detsimVersion;

    public Harness(Options options, Sandbox sandbox, Progress progress, String detsimVersion) {
        this.options = options;
        this.sandbox = sandbox;
        this.progress = progress;
        this.detsimVersion = detsimVersion;
    }

    /** The probes, in the order they run. */
    List<Probe> probes() {
        List<Probe> p = new ArrayList<>(List.of(new CockroachRows(), new GoBenchmarks(), new ThreadGrowth(),
                new Stability()));
        if (!options.cockroach().found()) {
            p.add(new StandIns());
        }
        return p;
    }

    /** Runs everything and writes report.json, report.md and the charts into the output directory. */
    public Report run() throws IOException, InterruptedException {
        Instant started = Instant.now();
        long t0 = System.nanoTime();
        Path out = Files.createDirectories(options.out());
        Path logs = out.resolve("logs");
        deleteTree(logs);
        Files.createDirectories(logs);
        Path work = Files.createTempDirectory("detsim-feasibility-");
        try {
            Budget budget = new Budget(options.sizes().budget());
            List<String> pin = NativeCpu.prefix(options.env());
            Runs runs = new Runs(sandbox, pin, budget, logs, work);
            List<Probe> probes = probes();
            Context planning = new Context(options, runs, progress, Map.of());
            progress.plan(1 + probes.stream().mapToInt(p -> p.steps(planning)).sum());

            progress.start("build the Go benchmarks (cached in " + options.goCache() + ")");
            Map<String, GoToolchain.Build> builds = GoToolchain.buildAll(options.goCache(), options.env());
            progress.end(builds.values().stream().allMatch(b -> b instanceof GoToolchain.Built) ? "ready"
                    : String.join("; ", builds.entrySet().stream().filter(e -> e.getValue()
                            instanceof GoToolchain.Unavailable).map(e -> e.getKey() + ": "
                            + ((GoToolchain.Unavailable) e.getValue()).reason()).toList()));
            Context c = new Context(options, runs, progress, builds);
            List<Measurement> rows = new ArrayList<>();
            for (Probe p : probes) {
                rows.addAll(p.run(c));
            }
            Report report = new Report(detsimVersion, started, System.nanoTime() - t0, options.quick(), options.runs(),
                    options.cockroach(), NativeCpu.cpuOf(pin), Report.Machine.current(), rows,
                    Thresholds.evaluate(rows));
            write(report, out);
            return report;
        } finally {
            deleteTree(work);
        }
    }

    /** Writes the three kinds of report into {@code out}. */
    public static void write(Report report, Path out) throws IOException {
        try (Stream<Path> old = Files.list(out)) { // charts of an earlier run; other files are left alone
            for (Path p : old.filter(f -> ReportSvg.isChart(f.getFileName().toString())).toList()) {
                Files.delete(p);
            }
        }
        List<String> charts = ReportSvg.write(report, out);
        ReportJson.write(report, charts, out.resolve("report.json"));
        ReportMarkdown.write(report, charts, out.resolve("report.md"));
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // best effort: a leftover temporary file is not worth failing the run for
        }
    }
}
