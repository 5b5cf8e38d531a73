package dev.detsim.feasibility;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.detsim.feasibility.Measurement.Status;
import dev.detsim.feasibility.Side.Ending;
import dev.detsim.feasibility.Side.Where;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** The plan's thresholds and the verdict, on recorded measurements. */
class ThresholdsTest {
    private static Threshold find(List<Threshold> ts, String id) {
        return ts.stream().filter(t -> t.id().equals(id)).findFirst().orElseThrow();
    }

    private static List<Measurement> with(List<Measurement> rows, Function<List<Measurement>, List<Measurement>> f) {
        return f.apply(new ArrayList<>(rows));
    }

    @Test
    void withoutCockroachEverythingMeasuredPassesButTheVerdictIsIncomplete() {
        List<Threshold> ts = Thresholds.evaluate(Recorded.quickRunWithoutCockroach());
        assertEquals(Threshold.Status.INCOMPLETE, find(ts, Threshold.DEGRADATION).status());
        assertEquals(Threshold.Status.PASS, find(ts, Threshold.THREAD_EXHAUSTION).status());
        assertEquals(Threshold.Status.INCOMPLETE, find(ts, Threshold.BASIC_OPERATIONS).status());
        assertEquals(Threshold.Status.INCOMPLETE, find(ts, Threshold.STABILITY).status()); // cockroach.version
        assertEquals(Verdict.INCOMPLETE, Verdict.of(ts));
        Threshold degradation = find(ts, Threshold.DEGRADATION);
        assertTrue(degradation.evidence().contains("cockroach.sql.upsert: " + Recorded.NO_COCKROACH),
                degradation.evidence()::toString);
        assertTrue(degradation.summary().contains("cockroach.sql.upsert, cockroach.sql.select"), degradation.summary());
        assertTrue(degradation.summary().contains("worst go.sqlite.select 1.24x"), degradation.summary());
        assertTrue(Verdict.reasons(ts).stream().allMatch(r -> !r.startsWith("thread-exhaustion")), "only the"
                + " incomplete thresholds explain an INCOMPLETE verdict");
    }

    @Test
    void everyRowMeasuredAndWithinLimitsIsGo() {
        List<Measurement> rows = with(Recorded.quickRunWithoutCockroach(), l -> {
            l.removeIf(m -> m.status() == Status.NOT_RUN);
            return l;
        });
        List<Threshold> ts = Thresholds.evaluate(rows);
        ts.forEach(t -> assertEquals(Threshold.Status.PASS, t.status(), t::toString));
        assertEquals(Verdict.GO, Verdict.of(ts));
        assertEquals(4, Verdict.reasons(ts).size());
    }

    @Test
    void aBasicOperationMoreThanTenTimesSlowerStops() {
        List<Measurement> rows = with(Recorded.quickRunWithoutCockroach(), l -> {
            l.add(Recorded.basicLatency("etcd.get", 2_070_000, 20_800_000)); // 10.05x
            return l;
        });
        Threshold t = Thresholds.degradation(rows);
        assertEquals(Threshold.Status.STOP, t.status());
        assertTrue(t.summary().contains("etcd.get"), t.summary());
        assertEquals(Verdict.NO_GO, Verdict.of(Thresholds.evaluate(rows)), "a STOP settles it despite missing rows");
    }

    @Test
    void justUnderTenTimesIsNotAStopAndNonBasicRowsDoNotCount() {
        // (Percentiles come from the histogram, within 0.1% of the samples: the limit is not met to the last digit.)
        List<Measurement> rows = List.of(Recorded.basicLatency("etcd.get", 1_000, 9_990),
                Recorded.latency("go.pingpong.cross", Set.of(), 8_900, 149_000)); // 16.7x, the strace figure
        Threshold t = Thresholds.degradation(rows);
        assertEquals(Threshold.Status.PASS, t.status(), t::toString);
        assertEquals(List.of("etcd.get"), t.measurements());
    }

    @Test
    void aBasicOperationThatFailedUnderDetsimLeavesDegradationIncompleteAndStopsBasicOperations() {
        Measurement failed = Recorded.check("dqlite.basic", Status.FAILED, "failed under detsim: crashed");
        Measurement noFigure = Recorded.basicLatency("dqlite.put", 1, 1).withStatus(Status.FAILED,
                "failed under detsim: crashed");
        List<Measurement> rows = List.of(Recorded.basicLatency("etcd.put", 3_000_000, 2_000_000), noFigure, failed);
        assertEquals(Threshold.Status.INCOMPLETE, Thresholds.degradation(rows).status());
        Threshold basic = Thresholds.basicOperations(rows);
        assertEquals(Threshold.Status.STOP, basic.status());
        assertTrue(basic.summary().contains("dqlite.basic"), basic.summary());
    }

    @Test
    void threadExhaustionBelowTenStops() {
        List<Measurement> rows = List.of(Recorded.threads(1, Status.OK, null), Recorded.threads(4, Status.OK, null),
                Recorded.threads(9, Status.FAILED, "failed under detsim: hung"),
                Recorded.threads(10, Status.NOT_RUN, "not run: N=9 already failed under detsim"));
        Threshold t = Thresholds.threadExhaustion(rows);
        assertEquals(Threshold.Status.STOP, t.status());
        assertTrue(t.summary().contains("go.threads.9"), t.summary());
    }

    @Test
    void threadExhaustionAtTenOrMoreIsReportedButNotAStop() {
        List<Measurement> rows = new ArrayList<>();
        for (int n = 1; n <= 9; n++) {
            rows.add(Recorded.threads(n, Status.OK, null));
        }
        rows.add(Recorded.threads(12, Status.FAILED, "failed under detsim: only 11 of 12 reads were blocked"));
        rows.add(Recorded.threads(16, Status.NOT_RUN, "not run: N=12 already failed under detsim"));
        Threshold t = Thresholds.threadExhaustion(rows);
        assertEquals(Threshold.Status.PASS, t.status(), t::toString);
        assertTrue(t.summary().contains("failed at N=12"), t.summary());
        assertTrue(t.summary().contains("every N up to 9"), t.summary());
    }

    @Test
    void threadGrowthThatDidNotRunBelowTenIsIncomplete() {
        String noGo = "not run: the Go toolchain (go) was not found on PATH (apt-get install golang-go)";
        List<Measurement> rows = List.of(Recorded.threads(1, Status.NOT_RUN, noGo),
                Recorded.threads(64, Status.NOT_RUN, noGo));
        Threshold t = Thresholds.threadExhaustion(rows);
        assertEquals(Threshold.Status.INCOMPLETE, t.status());
        assertTrue(t.evidence().contains("go.threads.1: N=1: " + noGo), t.evidence()::toString);
        assertEquals(Threshold.Status.INCOMPLETE, Thresholds.threadExhaustion(List.of()).status(), "no rows, no pass");
    }

    @Test
    void differingDeterministicRunsStop() {
        List<Measurement> rows = List.of(Recorded.stability(Status.FAILED,
                "run 2's event log differs from run 1's (digest a4f73417f8de131e vs 3055583afbb3349d)"));
        Threshold t = Thresholds.stability(rows);
        assertEquals(Threshold.Status.STOP, t.status());
        assertTrue(t.evidence().getFirst().contains("digest a4f73417f8de131e"), t.evidence()::toString);
    }

    @Test
    void anyRunThatHangsOrCrashesUnderDetsimButNotNativelyStops() {
        Measurement hung = new Measurement("go.timer", "go", "timer", Measurement.Kind.LATENCY, Set.of(),
                Status.FAILED, "failed under detsim: hung", Measurement.PROGRAM_CLOCK, null, Map.of(),
                List.of(Recorded.side(Where.NATIVE, Ending.OK, 129_000, null),
                        Recorded.side(Where.DETSIM, Ending.HUNG, 0, null)), List.of());
        List<Measurement> rows = List.of(Recorded.stability(Status.OK, null), hung);
        Threshold t = Thresholds.stability(rows);
        assertEquals(Threshold.Status.STOP, t.status());
        assertTrue(t.evidence().stream().anyMatch(e -> e.startsWith("go.timer: under detsim it hung")),
                t.evidence()::toString);

        // Killed because the budget ran out says nothing about the program; failing natively too is no finding.
        Measurement outOfTime = new Measurement("go.timer", "go", "timer", Measurement.Kind.LATENCY, Set.of(),
                Status.NOT_RUN, "not run: budget", Measurement.PROGRAM_CLOCK, null, Map.of(),
                List.of(Recorded.side(Where.NATIVE, Ending.OK, 129_000, null),
                        Recorded.side(Where.DETSIM, Ending.OUT_OF_TIME, 0, null)), List.of());
        Measurement bothFail = new Measurement("go.gosched", "go", "gosched", Measurement.Kind.LATENCY, Set.of(),
                Status.NOT_RUN, "not run: failed natively", Measurement.PROGRAM_CLOCK, null, Map.of(),
                List.of(Recorded.side(Where.NATIVE, Ending.FAILED, 0, null),
                        Recorded.side(Where.DETSIM, Ending.FAILED, 0, null)), List.of());
        assertEquals(Threshold.Status.PASS,
                Thresholds.stability(List.of(Recorded.stability(Status.OK, null), outOfTime, bothFail)).status());
    }

    @Test
    void verdictPrecedence() {
        Threshold pass = new Threshold("a", "r", Threshold.Status.PASS, "ok", List.of(), List.of());
        Threshold stop = new Threshold("b", "r", Threshold.Status.STOP, "bad", List.of(), List.of());
        Threshold incomplete = new Threshold("c", "r", Threshold.Status.INCOMPLETE, "missing", List.of(), List.of());
        assertEquals(Verdict.GO, Verdict.of(List.of(pass, pass)));
        assertEquals(Verdict.INCOMPLETE, Verdict.of(List.of(pass, incomplete)));
        assertEquals(Verdict.NO_GO, Verdict.of(List.of(incomplete, stop, pass)));
        assertEquals(Verdict.INCOMPLETE, Verdict.of(List.of()), "nothing evaluated is not a GO");
        assertEquals(List.of("b: bad"), Verdict.reasons(List.of(incomplete, stop, pass)));
        assertEquals("NO-GO", Verdict.NO_GO.label());
    }
}
