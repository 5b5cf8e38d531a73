package dev.detsim.feasibility;

import dev.detsim.feasibility.Measurement.Kind;
import dev.detsim.feasibility.Side.Where;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.ToIntFunction;

/**
 * The Go latency benchmarks, each run natively and under detsim: scheduling (channel ping-pong on one thread and
 * across threads, runtime.Gosched, the host time of a 1 ms sleep), the cgo call, and storage operations through cgo and SQLite.
 * Each program times itself with the host's CLOCK_MONOTONIC_RAW and prints its samples; the harness records
 * them into a histogram per side.
 */
final class GoBenchmarks implements Probe {
    static final Duration TIMEOUT = Duration.ofSeconds(90);

    /**
     * One benchmark: its row and how to run it.
     *
     * @param samples how many samples, for the run's size
     * @param args    the program's arguments for that many samples and a fresh directory
     */
    record Bench(String id, String title, String program, String operation, Set<String> thresholds,
            ToIntFunction<Options.Sizes> samples, BiFunction<Integer, Path, List<String>> args, String note) {}

    /** The cgo storage rows count as basic operations: their speed and their correctness. */
    static final Set<String> STORAGE = Set.of(Threshold.DEGRADATION, Threshold.BASIC_OPERATIONS);
    private static final String STORAGE_NOTE = "the cgo storage path, standing in for CockroachDB's storage engine"
            + " calls; the database is a file in WAL mode (synchronous=NORMAL: no fsync per commit)";

    static final List<Bench> BENCHES = List.of(
            new Bench("go.pingpong.same", "channel ping-pong on one thread (GOMAXPROCS=1)", "sched", "round trip",
                    Set.of(), Options.Sizes::samples, (n, d) -> List.of("pingpong-same", "" + n), null),
            new Bench("go.pingpong.cross", "channel ping-pong across threads (responder LockOSThread, GOMAXPROCS=1)",
                    "sched", "round trip", Set.of(), Options.Sizes::samples,
                    (n, d) -> List.of("pingpong-cross", "" + n), null),
            new Bench("go.gosched", "runtime.Gosched with a second goroutine yielding (GOMAXPROCS=1)", "sched",
                    "Gosched call", Set.of(), Options.Sizes::samples, (n, d) -> List.of("gosched", "" + n), null),
            new Bench("go.timer", "host time of one time.Sleep(1 ms), wake-up lateness included", "sched", "sleep", Set.of(),
                    Options.Sizes::timerSamples, (n, d) -> List.of("timer", "" + n),
                    "host time elapsed around time.Sleep(1 ms). Under detsim the sleep ends in virtual time (the"
                            + " clock jumps to its deadline), so the figure is what the sleep costs in host time and a"
                            + " factor below 1 is expected; the lateness the program itself sees (virtual) is the"
                            + " worst_lateness_program_clock_ns detail"),
            new Bench("go.cgocall", "cgo call to a C function that only adds", "cgocall", "cgo call", Set.of(),
                    Options.Sizes::samples, (n, d) -> List.of("" + n), null),
            new Bench("go.sqlite.insert", "go-sqlite3 (cgo + SQLite) insert, one transaction each", "sqlite",
                    "insert", STORAGE, Options.Sizes::sqliteSamples,
                    (n, d) -> List.of("insert", "" + n, d.toString()), STORAGE_NOTE),
            new Bench("go.sqlite.select", "go-sqlite3 (cgo + SQLite) point select, value checked", "sqlite",
                    "point select", STORAGE, Options.Sizes::sqliteSamples,
                    (n, d) -> List.of("select", "" + n, d.toString()), STORAGE_NOTE));

    @Override
    public int steps(Context c) {
        return 2 * BENCHES.size();
    }

    @Override
    public List<Measurement> run(Context c) throws InterruptedException {
        List<Measurement> rows = new ArrayList<>();
        for (Bench b : BENCHES) {
            rows.add(measure(c, b));
        }
        return rows;
    }

    private static Measurement measure(Context c, Bench b) throws InterruptedException {
        int samples = b.samples().applyAsInt(c.sizes());
        String notRun = notRunReason(c, b.program());
        if (notRun != null) {
            skip(c, "go " + b.title(), notRun, Where.values());
            return Measurement.notRun(b.id(), "go", b.title(), Kind.LATENCY, b.thresholds(),
                    Measurement.PROGRAM_CLOCK, notRun);
        }
        Path binary = ((GoToolchain.Built) c.builds().get(b.program())).binary();
        Side nat = runSide(c, b, binary, samples, Where.NATIVE);
        Side det = null;
        String detNotRun = nat.latency() == null ? "skipped: it failed natively" : notRunReason(c, b.program());
        if (detNotRun != null) {
            skip(c, "go " + b.title(), detNotRun, Where.DETSIM);
        } else {
            det = runSide(c, b, binary, samples, Where.DETSIM);
        }
        Rows.Outcome o = Rows.compare(nat, det, detNotRun, s -> s.ending().good() && s.latency() != null);
        List<String> evidence = new ArrayList<>();
        clockEvidence(nat, det).ifPresent(evidence::add);
        if (b.note() != null) {
            evidence.add(b.note());
        }
        List<Side> sides = det == null ? List.of(nat) : List.of(nat, det);
        String batch = nat.details().getOrDefault("batch", "1");
        String sample = batch.equals("1") ? "one " + b.operation()
                : "mean of a batch of " + batch + " " + b.operation() + "s";
        return new Measurement(b.id(), "go", b.title(), Kind.LATENCY, b.thresholds(), o.status(), o.reason(),
                Measurement.PROGRAM_CLOCK, sample, Map.of("samples", "" + samples), sides, evidence);
    }

    private static Side runSide(Context c, Bench b, Path binary, int samples, Where where)
            throws InterruptedException {
        c.progress().start("go " + b.title() + " " + Rows.how(where));
        Runs.Finished f;
        List<String> cmd = new ArrayList<>(List.of(binary.toString()));
        try {
            Path dir = c.runs().freshDir(b.id());
            cmd.addAll(b.args().apply(samples, dir));
            f = c.runs().run(where, b.id() + "." + where.json(), cmd, List.of(), dir, TIMEOUT);
        } catch (IOException e) {
            f = Runs.notStarted(where, cmd, e);
        }
        Side side = withSamples(f.side(), BenchOutput.parse(f.output()));
        c.progress().end(side.latency() != null ? "p50 " + Format.nanos(side.p50()) + ", p99 "
                + Format.nanos(side.latency().p99()) + " (" + side.latency().count() + " samples)"
                : Rows.describe(side));
        return side;
    }

    /** Reports steps that do not run, so that the step count stays true. */
    static void skip(Context c, String what, String reason, Where... wheres) {
        for (Where w : wheres) {
            c.progress().start(what + " " + Rows.how(w));
            c.progress().end(reason);
        }
    }

    /** Why a benchmark program cannot run now (no build, no time left), or null. */
    static String notRunReason(Context c, String program) {
        if (c.budget().exhausted()) {
            return c.budget().exhaustedReason();
        }
        return c.builds().get(program) instanceof GoToolchain.Unavailable u ? u.reason() : null;
    }

    /** The side with its samples' distribution and the benchmark's metadata; a run without samples failed. */
    static Side withSamples(Side side, BenchOutput out) {
        side = withMeta(side, out);
        if (out.samples().length > 0 && side.ending().good()) {
            return side.withLatency(Latency.of(out.samples()));
        }
        if (side.ending().good()) {
            return side.withEnding(Side.Ending.FAILED).withNote("exited 0 without printing samples: "
                    + Runs.lastLines(String.join("\n", out.messages())));
        }
        return side;
    }

    /** The side with the benchmark's metadata among its details. */
    static Side withMeta(Side side, BenchOutput out) {
        for (var e : out.meta().entrySet()) {
            side = side.withDetail(e.getKey(), e.getValue());
        }
        return side;
    }

    /** What one clock read costs on each side (it lands in every sample once, spread over the batch). */
    static Optional<String> clockEvidence(Side nat, Side det) {
        String n = nat.details().get("clock_read_ns");
        if (n == null) {
            return Optional.empty();
        }
        String d = det == null ? null : det.details().get("clock_read_ns");
        return Optional.of("one clock read (clock_gettime system call) costs " + n + " ns natively"
                + (d == null ? "" : " and " + d + " ns under detsim") + " (median of 1000); each sample includes"
                + " one, divided by the batch size");
    }
}
