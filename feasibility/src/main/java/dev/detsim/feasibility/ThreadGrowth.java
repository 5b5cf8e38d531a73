package dev.detsim.feasibility;

import dev.detsim.feasibility.Measurement.Kind;
import dev.detsim.feasibility.Measurement.Status;
import dev.detsim.feasibility.Side.Where;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Thread growth under N concurrent blocking operations ({@code sched threads N}): N goroutines each in a blocking
 * read(2) at the same time, which Go serves with N OS threads. A run passes when the program saw all N reads
 * blocked at once (in /proc) and then finished. Natively the thread count is the program's own (/proc/self/task
 * at that moment); under detsim it is the tracer's peak. After the first N that fails under detsim, larger N do
 * not run: they would only repeat the failure (or its timeout).
 */
final class ThreadGrowth implements Probe {
    static final Duration TIMEOUT = Duration.ofSeconds(30);
    static final String PROGRAM_THREADS = "program: threads in /proc/self/task while the N reads were blocked";

    @Override
    public int steps(Context c) {
        return 2 * c.sizes().threadCounts().size();
    }

    @Override
    public List<Measurement> run(Context c) throws InterruptedException {
        List<Measurement> rows = new ArrayList<>();
        String stopReason = GoBenchmarks.notRunReason(c, "sched");
        for (int n : c.sizes().threadCounts()) {
            String title = "thread growth with " + n + " concurrent blocking read(2)s";
            String reason = stopReason != null ? stopReason : GoBenchmarks.notRunReason(c, "sched");
            if (reason != null) {
                GoBenchmarks.skip(c, "go " + title, reason, Where.values());
                rows.add(row(n, title, Status.NOT_RUN, reason, List.of()));
                continue;
            }
            Path binary = ((GoToolchain.Built) c.builds().get("sched")).binary();
            Side nat = runSide(c, binary, n, title, Where.NATIVE);
            String detNotRun = ok(nat, n) ? GoBenchmarks.notRunReason(c, "sched") : "skipped: it failed natively";
            Side det = null;
            if (detNotRun != null) {
                GoBenchmarks.skip(c, "go " + title, detNotRun, Where.DETSIM);
            } else {
                det = runSide(c, binary, n, title, Where.DETSIM);
            }
            Rows.Outcome o = Rows.compare(nat, det, detNotRun, s -> ok(s, n));
            if (o.status() == Status.FAILED) {
                stopReason = "not run: N=" + n + " already failed under detsim";
            }
            rows.add(row(n, title, o.status(), o.reason(), det == null ? List.of(nat) : List.of(nat, det)));
        }
        return rows;
    }

    private static Measurement row(int n, String title, Status status, String reason, List<Side> sides) {
        return new Measurement("go.threads." + n, "go", title, Kind.THREADS, Set.of(Threshold.THREAD_EXHAUSTION),
                status, reason, Measurement.PROGRAM_CLOCK, null, Map.of("n", "" + n), sides, List.of());
    }

    /** A run passes when it ended well and saw all n reads blocked at once. */
    static boolean ok(Side s, int n) {
        return s.ending().good() && "1".equals(s.details().get("ok"))
                && String.valueOf(n).equals(s.details().get("blocked_seen"));
    }

    private static Side runSide(Context c, Path binary, int n, String title, Where where) throws InterruptedException {
        c.progress().start("go " + title + " " + Rows.how(where));
        List<String> cmd = List.of(binary.toString(), "threads", "" + n);
        Runs.Finished f;
        try {
            f = c.runs().run(where, "go.threads." + n + "." + where.json(), cmd, List.of(),
                    c.runs().freshDir("threads"), TIMEOUT);
        } catch (IOException e) {
            f = Runs.notStarted(where, cmd, e);
        }
        Side side = GoBenchmarks.withMeta(f.side(), BenchOutput.parse(f.output()));
        String seen = side.details().get("threads_seen");
        if (where == Where.NATIVE && seen != null) {
            side = side.withThreads(Integer.valueOf(seen), PROGRAM_THREADS);
        }
        if (side.ending().good() && !ok(side, n)) {
            side = side.withNote(side.details().containsKey("blocked_seen")
                    ? "only " + side.details().get("blocked_seen") + " of " + n
                            + " reads were blocked at once within 5 s of host time"
                    : "exited 0 without its result: " + Runs.lastLines(f.output()));
        }
        c.progress().end(ok(side, n) ? "all " + n + " blocked at once; threads: " + side.threads()
                + (where == Where.DETSIM ? " (tracer's peak)" : "") : Rows.describe(side));
        return side;
    }
}
