package dev.detsim.feasibility;

import dev.detsim.feasibility.Measurement.Kind;
import dev.detsim.feasibility.Side.Where;
import dev.detsim.targets.cockroach.CockroachBinary;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** report.md: the verdict, each threshold with its evidence, the measurements in tables, the charts, the commands. */
public final class ReportMarkdown {
    private ReportMarkdown() {}

    public static void write(Report r, List<String> charts, Path file) throws IOException {
        Files.writeString(file, render(r, charts), StandardCharsets.UTF_8);
    }

    static String render(Report r, List<String> charts) {
        StringBuilder md = new StringBuilder();
        md.append("# detsim feasibility: ").append(r.verdict().label()).append("\n\n");
        md.append("**Verdict: ").append(r.verdict().label()).append("**\n\n");
        for (String reason : r.verdictReasons()) {
            md.append("- ").append(reason).append('\n');
        }
        md.append("\nNO-GO: some threshold says STOP. INCOMPLETE: no STOP, but a row a threshold needs did not run"
                + " (a row that did not run never counts as passed). GO: every threshold passed.\n\n");
        md.append("Run: started ").append(r.startedAt()).append(", took ").append(Format.seconds(r.durationNanos()))
                .append(r.quick() ? ", --quick" : "").append("; ").append(r.runs())
                .append(" deterministic runs with seed ").append(Options.SEED).append("; detsim ")
                .append(r.detsimVersion()).append(".  \n");
        md.append("CockroachDB: ").append(r.cockroach() instanceof CockroachBinary.Found f
                ? f.path() + " (from " + f.source().label() + ")"
                : ((CockroachBinary.NotFound) r.cockroach()).reason()).append(".  \n");
        md.append(r.nativeCpu() == null ? "Native runs: not pinned (taskset or the CPU list was not available);"
                + " detsim pins itself and the program to one CPU.  \n"
                : "Native runs: pinned to CPU " + r.nativeCpu() + " (taskset), the CPU detsim pins itself and the"
                        + " program to, so that a factor is the sandbox's cost.  \n");
        Report.Machine m = r.machine();
        md.append("Machine: ").append(m.os()).append(' ').append(m.kernel()).append(' ').append(m.arch()).append(", ")
                .append(m.cpus()).append(" CPUs, Java ").append(m.java()).append(".\n\n");

        md.append("## Thresholds\n\n| threshold | status | why |\n|---|---|---|\n");
        for (Threshold t : r.thresholds()) {
            md.append("| ").append(t.id()).append(" | **").append(t.status().json().toUpperCase()).append("** | ")
                    .append(cell(t.summary())).append(" |\n");
        }
        for (Threshold t : r.thresholds()) {
            md.append("\n### ").append(t.id()).append(": ").append(t.status().json().toUpperCase()).append("\n\n")
                    .append("Rule: ").append(t.rule()).append("\n\n");
            for (String e : t.evidence()) {
                md.append("- ").append(e).append('\n');
            }
        }

        md.append("\n## Charts\n\n");
        for (String c : charts) {
            md.append("![").append(c).append("](").append(c).append(")\n\n");
        }

        md.append("## Latencies and times\n\n")
                .append("Factor = under detsim / natively (p50, p99; wall time for start-ups). Clock: P = ")
                .append(Measurement.PROGRAM_CLOCK).append("; H = ").append(Measurement.HARNESS_CLOCK).append(".\n\n")
                .append("| row | what | clock | native p50 | detsim p50 | factor | native p99 | detsim p99 | factor p99"
                        + " | samples | threads native / detsim | status |\n")
                .append("|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (Measurement row : r.measurements()) {
            if (row.kind() == Kind.LATENCY || row.kind() == Kind.WALL_TIME) {
                latencyLine(md, row);
            }
        }
        md.append("\nSamples: ");
        r.measurements().stream().filter(x -> x.sample() != null && x.kind() == Kind.LATENCY)
                .forEach(x -> md.append(x.id()).append(": ").append(x.sample()).append("; "));
        md.append("\n\n");

        md.append("## Thread growth\n\nN goroutines in blocking read(2)s at once. Native: ")
                .append(ThreadGrowth.PROGRAM_THREADS).append(". Under detsim: ").append(DetsimStats.THREADS_SOURCE)
                .append(".\n\n| N | native threads | detsim threads | status |\n|---|---|---|---|\n");
        for (Measurement row : r.measurements()) {
            if (row.kind() == Kind.THREADS) {
                md.append("| ").append(row.parameters().get("n")).append(" | ")
                        .append(threads(row.side(Where.NATIVE))).append(" | ").append(threads(row.side(Where.DETSIM)))
                        .append(" | ").append(status(row)).append(" |\n");
            }
        }

        md.append("\n## Checks\n\n| row | what | status | evidence |\n|---|---|---|---|\n");
        for (Measurement row : r.measurements()) {
            if (row.kind() == Kind.CHECK || row.kind() == Kind.DETERMINISM) {
                md.append("| ").append(row.id()).append(" | ").append(cell(row.title())).append(" | ")
                        .append(status(row)).append(" | ").append(cell(String.join("; ", row.evidence()))).append(" |\n");
            }
        }

        md.append("\n## Notes on the rows\n\n");
        for (Measurement row : r.measurements()) {
            if (row.kind() != Kind.THREADS && !row.evidence().isEmpty()) {
                md.append("- ").append(row.id()).append(": ").append(String.join("; ", row.evidence())).append('\n');
            }
        }

        md.append("\n## Commands and logs\n\n");
        java.util.Set<String> listed = new java.util.HashSet<>();
        for (Measurement row : r.measurements()) {
            for (Side s : row.sides()) {
                if (!listed.add(s.details().getOrDefault("log", String.join(" ", s.command())))) {
                    continue; // a server's run serves several rows
                }
                md.append("- ").append(row.id()).append(", ").append(s.where().json()).append(": `")
                        .append(String.join(" ", s.command()).replace("`", "'")).append("` (").append(s.ending().json())
                        .append(s.exitStatus() == null ? "" : ", status " + s.exitStatus())
                        .append(s.details().containsKey("log") ? ", log " + s.details().get("log") : "")
                        .append(")\n");
            }
        }
        return md.toString();
    }

    private static void latencyLine(StringBuilder md, Measurement row) {
        Optional<Side> n = row.side(Where.NATIVE);
        Optional<Side> d = row.side(Where.DETSIM);
        boolean lat = row.kind() == Kind.LATENCY;
        md.append("| ").append(row.id()).append(row.basicOperation() ? " (basic)" : "").append(" | ")
                .append(cell(row.title())).append(" | ")
                .append(row.clock() == null ? "-" : row.clock().equals(Measurement.PROGRAM_CLOCK) ? "P" : "H")
                .append(" | ").append(Format.nanos(n.map(s -> lat ? s.p50() : s.wallNanos()).orElse(null)))
                .append(" | ").append(Format.nanos(d.map(s -> lat ? s.p50() : s.wallNanos()).orElse(null)))
                .append(" | ").append(Format.factor(row.factor()))
                .append(" | ").append(Format.nanos(n.map(ReportMarkdown::p99).orElse(null)))
                .append(" | ").append(Format.nanos(d.map(ReportMarkdown::p99).orElse(null)))
                .append(" | ").append(Format.factor(row.factorP99()))
                .append(" | ").append(n.map(s -> s.latency() == null ? "-" : "" + s.latency().count()).orElse("-"))
                .append(" | ").append(threads(n)).append(" / ").append(threads(d))
                .append(" | ").append(status(row)).append(" |\n");
    }

    private static Long p99(Side s) {
        return s.latency() == null ? null : s.latency().p99();
    }

    private static String threads(Optional<Side> s) {
        return s.map(Side::threads).map(String::valueOf).orElse("-");
    }

    private static String status(Measurement row) {
        return row.status() == Measurement.Status.OK ? "ok" : "**" + row.status().json() + "**: " + cell(row.reason());
    }

    /** Text made safe for a table cell. */
    static String cell(String s) {
        return s == null ? "" : s.replace("|", "\\|").replace("\n", " ");
    }
}
