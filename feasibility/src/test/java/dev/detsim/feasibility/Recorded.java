package dev.detsim.feasibility;

import dev.detsim.feasibility.Measurement.Kind;
import dev.detsim.feasibility.Measurement.Status;
import dev.detsim.feasibility.Side.Ending;
import dev.detsim.feasibility.Side.Where;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.LongStream;

/**
 * Rows built from figures recorded in a real --quick run on the development machine (2026-11, report in the
 * commit that added this file), so that the threshold logic is tested on numbers that really occur.
 */
final class Recorded {
    private Recorded() {}

    static final String NO_COCKROACH = "not run: cockroach binary not found (use --cockroach PATH)";

    /** Samples spread evenly around p50 (enough for every percentile of the curve). */
    static long[] around(long p50, int n) {
        return LongStream.range(0, n).map(i -> p50 / 2 + p50 * i / n).toArray();
    }

    static Side side(Where where, Ending ending, long p50, Integer threads) {
        Side s = new Side(where, List.of(where == Where.NATIVE ? "bench" : "detsim run -- bench"), ending,
                ending == Ending.HUNG ? null : ending == Ending.OK ? 0 : 2, 1_000_000L,
                p50 > 0 ? Latency.of(around(p50, 1000)) : null, threads,
                threads == null ? null : DetsimStats.THREADS_SOURCE, null, ending.good() ? null : "it broke", Map.of());
        return s;
    }

    /** A latency row: native p50 and detsim p50 in ns, both runs ending well. */
    static Measurement latency(String id, Set<String> thresholds, long nativeP50, long detsimP50) {
        return new Measurement(id, "go", id, Kind.LATENCY, thresholds, Status.OK, null, Measurement.PROGRAM_CLOCK,
                "one op", Map.of(), List.of(side(Where.NATIVE, Ending.OK, nativeP50, null),
                        side(Where.DETSIM, Ending.OK, detsimP50, 4)), List.of());
    }

    static Measurement basicLatency(String id, long nativeP50, long detsimP50) {
        return latency(id, Set.of(Threshold.DEGRADATION), nativeP50, detsimP50);
    }

    static Measurement threads(int n, Status status, String reason) {
        List<Side> sides = status == Status.NOT_RUN ? List.of()
                : List.of(side(Where.NATIVE, Ending.OK, 0, n + 3),
                        side(Where.DETSIM, status == Status.OK ? Ending.OK : Ending.HUNG, 0,
                                status == Status.OK ? n + 3 : null));
        return new Measurement("go.threads." + n, "go", "threads " + n, Kind.THREADS,
                Set.of(Threshold.THREAD_EXHAUSTION), status, reason, Measurement.PROGRAM_CLOCK, null,
                Map.of("n", "" + n), sides, List.of());
    }

    static Measurement check(String id, Status status, String reason) {
        return new Measurement(id, id.split("\\.")[0], id, Kind.CHECK, Set.of(Threshold.BASIC_OPERATIONS), status,
                reason, null, null, Map.of(), status == Status.NOT_RUN ? List.of()
                        : List.of(side(Where.NATIVE, Ending.STOPPED, 0, 8),
                                side(Where.DETSIM, status == Status.OK ? Ending.STOPPED : Ending.CRASHED, 0, 8)),
                List.of("200 writes, then 200 reads of the same keys, every value read back as written"));
    }

    static Measurement stability(Status status, String reason) {
        return new Measurement(Stability.ID, "stability", Stability.TITLE, Kind.DETERMINISM,
                Set.of(Threshold.STABILITY), status, reason, null, null, Map.of("seed", "42"),
                List.of(side(Where.NATIVE, Ending.OK, 0, null), side(Where.DETSIM, Ending.OK, 0, 3),
                        side(Where.DETSIM, Ending.OK, 0, 3)), List.of("2 runs under detsim with seed 42: identical"));
    }

    /** The quick run without cockroach, as recorded: every measured row fine. */
    static List<Measurement> quickRunWithoutCockroach() {
        return List.of(
                CockroachRows.notRun(NO_COCKROACH).get(0),
                CockroachRows.notRun(NO_COCKROACH).get(2),
                CockroachRows.notRun(NO_COCKROACH).get(3),
                CockroachRows.notRun(NO_COCKROACH).get(4),
                latency("go.pingpong.cross", Set.of(), 22_700, 7_500),
                basicLatency("go.sqlite.select", 10_100, 12_500),
                basicLatency("etcd.put", 3_240_000, 2_040_000),
                check("etcd.basic", Status.OK, null),
                threads(1, Status.OK, null), threads(9, Status.OK, null), threads(10, Status.OK, null),
                threads(64, Status.OK, null),
                stability(Status.OK, null));
    }
}
