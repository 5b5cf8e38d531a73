package dev.detsim.feasibility;

import dev.detsim.feasibility.Measurement.Status;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Evaluates the plan's four thresholds on the measurements. Each looks only at the rows that name it (and
 * stability also at every run under detsim); a row that did not run makes its threshold INCOMPLETE, never PASS.
 */
public final class Thresholds {
    private Thresholds() {}

    public static List<Threshold> evaluate(List<Measurement> rows) {
        return List.of(degradation(rows), threadExhaustion(rows), basicOperations(rows), stability(rows));
    }

    /** Collects one threshold's evidence and decides its status. */
    private static final class Tally {
        final List<String> evidence = new ArrayList<>();
        final List<String> ids = new ArrayList<>();
        final List<String> stops = new ArrayList<>();
        final List<String> missing = new ArrayList<>();

        void consider(Measurement m, String line) {
            if (!ids.contains(m.id())) {
                ids.add(m.id());
            }
            evidence.add(m.id() + ": " + line);
        }

        /** A row whose failure is a STOP: OK adds {@code okLine}, FAILED stops, NOT_RUN is missing. */
        void failureStops(Measurement m, String okLine) {
            switch (m.status()) {
                case OK -> consider(m, okLine);
                case FAILED -> {
                    stops.add(m.id());
                    consider(m, m.reason());
                }
                case NOT_RUN -> {
                    missing.add(m.id());
                    consider(m, m.reason());
                }
            }
        }

        Threshold.Status status() {
            if (!stops.isEmpty()) {
                return Threshold.Status.STOP;
            }
            return missing.isEmpty() && !ids.isEmpty() ? Threshold.Status.PASS : Threshold.Status.INCOMPLETE;
        }

        String incompleteSummary(String what) {
            return ids.isEmpty() ? "no " + what + " was measured"
                    : missing.size() + " of " + ids.size() + " " + what + " rows did not run or gave no figure: "
                            + String.join(", ", missing);
        }
    }

    private static List<Measurement> scope(List<Measurement> rows, String threshold) {
        return rows.stream().filter(m -> m.thresholds().contains(threshold)).toList();
    }

    static Threshold degradation(List<Measurement> rows) {
        Tally t = new Tally();
        Measurement worst = null;
        for (Measurement m : scope(rows, Threshold.DEGRADATION)) {
            Double f = m.factor();
            if (m.status() != Status.OK || f == null) {
                t.missing.add(m.id());
                t.consider(m, m.status() == Status.OK ? "no factor (a side lacks its p50)" : m.reason());
                continue;
            }
            t.consider(m, "p50 " + Format.nanos(m.side(Side.Where.NATIVE).orElseThrow().p50()) + " native, "
                    + Format.nanos(m.side(Side.Where.DETSIM).orElseThrow().p50()) + " under detsim: "
                    + Format.factor(f) + " (limit " + Format.factor(Threshold.DEGRADATION_LIMIT) + ")");
            if (f > Threshold.DEGRADATION_LIMIT) {
                t.stops.add(m.id());
            }
            if (worst == null || f > worst.factor()) {
                worst = m;
            }
        }
        String worstText = worst == null ? "" : "worst " + worst.id() + " " + Format.factor(worst.factor());
        String summary = switch (t.status()) {
            case STOP -> t.stops.size() + " basic operation(s) degraded more than "
                    + Format.factor(Threshold.DEGRADATION_LIMIT) + " at p50: " + String.join(", ", t.stops) + "; "
                    + worstText;
            case PASS -> "all " + t.ids.size() + " basic operations within " + Format.factor(Threshold.DEGRADATION_LIMIT)
                    + " at p50; " + worstText;
            case INCOMPLETE -> t.incompleteSummary("basic-operation") + (worst == null ? "" : "; measured: " + worstText);
        };
        return new Threshold(Threshold.DEGRADATION, "basic operations degraded more than 10x => STOP (p50 under detsim"
                + " / p50 natively, for each basic database operation)", t.status(), summary, t.evidence, t.ids);
    }

    static Threshold threadExhaustion(List<Measurement> rows) {
        Tally t = new Tally();
        int largestOk = 0;
        List<Measurement> inScope = new ArrayList<>(scope(rows, Threshold.THREAD_EXHAUSTION));
        inScope.sort(Comparator.comparingInt(Thresholds::concurrency));
        boolean belowFloor = false;
        List<String> exhaustedAbove = new ArrayList<>();
        for (Measurement m : inScope) {
            int n = concurrency(m);
            boolean counts = n < Threshold.CONCURRENCY_FLOOR;
            belowFloor |= counts;
            switch (m.status()) {
                case OK -> {
                    largestOk = Math.max(largestOk, n);
                    t.consider(m, "N=" + n + ": " + describeThreads(m));
                }
                case FAILED -> {
                    t.consider(m, "N=" + n + ": " + m.reason());
                    if (counts) {
                        t.stops.add(m.id());
                    } else {
                        exhaustedAbove.add("N=" + n);
                    }
                }
                case NOT_RUN -> {
                    t.consider(m, "N=" + n + ": " + m.reason());
                    if (counts) {
                        t.missing.add(m.id());
                    }
                }
            }
        }
        if (!belowFloor) {
            t.missing.add("(no row with N < " + Threshold.CONCURRENCY_FLOOR + ")");
        }
        String above = exhaustedAbove.isEmpty() ? ""
                : "; failed at " + String.join(", ", exhaustedAbove) + " (not below " + Threshold.CONCURRENCY_FLOOR
                        + ", so no STOP)";
        String summary = switch (t.status()) {
            case STOP -> "thread exhaustion under detsim with fewer than " + Threshold.CONCURRENCY_FLOOR
                    + " concurrent blocking operations: " + String.join(", ", t.stops);
            case PASS -> "every N up to " + largestOk + " concurrent blocking operations held at once under detsim"
                    + above;
            case INCOMPLETE -> t.incompleteSummary("thread-growth") + above;
        };
        return new Threshold(Threshold.THREAD_EXHAUSTION, "thread exhaustion with fewer than 10 concurrent operations"
                + " => STOP (N goroutines in blocking read(2)s at once, N = 1..64)", t.status(), summary, t.evidence,
                t.ids);
    }

    private static int concurrency(Measurement m) {
        return Integer.parseInt(m.parameters().getOrDefault("n", "0"));
    }

    private static String describeThreads(Measurement m) {
        Optional<Side> n = m.side(Side.Where.NATIVE);
        Optional<Side> d = m.side(Side.Where.DETSIM);
        return "all blocked at once natively (" + n.map(Side::threads).orElse(null) + " threads) and under detsim ("
                + d.map(Side::threads).orElse(null) + " threads, tracer's peak)";
    }

    static Threshold basicOperations(List<Measurement> rows) {
        Tally t = new Tally();
        for (Measurement m : scope(rows, Threshold.BASIC_OPERATIONS)) {
            t.failureStops(m, "ok natively and under detsim" + checked(m));
        }
        String summary = switch (t.status()) {
            case STOP -> "basic operations failed under detsim: " + String.join(", ", t.stops);
            case PASS -> "all " + t.ids.size() + " basic-operation checks passed under detsim";
            case INCOMPLETE -> t.incompleteSummary("basic-operation check");
        };
        return new Threshold(Threshold.BASIC_OPERATIONS, "basic SQL operations fail => STOP (CockroachDB's SQL; without"
                + " it, the stand-ins' writes and reads and the cgo SQLite path)", t.status(), summary, t.evidence,
                t.ids);
    }

    /** What a passed basic-operations row checked: its own words for a check, the operation count otherwise. */
    private static String checked(Measurement m) {
        if (m.kind() == Measurement.Kind.CHECK) {
            return m.evidence().isEmpty() ? "" : ": " + m.evidence().getFirst();
        }
        return m.side(Side.Where.DETSIM).map(Side::latency)
                .map(l -> ": all " + l.count() + " samples' operations succeeded (values checked where read)")
                .orElse("");
    }

    static Threshold stability(List<Measurement> rows) {
        Tally t = new Tally();
        for (Measurement m : scope(rows, Threshold.STABILITY)) {
            t.failureStops(m, m.evidence().isEmpty() ? "identical runs" : m.evidence().getFirst());
        }
        // Every run under detsim that crashed, hung or failed where the same thing ran fine natively.
        int detsimRuns = 0;
        for (Measurement m : rows) {
            boolean nativeGood = m.side(Side.Where.NATIVE).map(s -> s.ending().good()).orElse(false);
            for (Side s : m.sides()) {
                if (s.where() != Side.Where.DETSIM) {
                    continue;
                }
                detsimRuns++;
                boolean unstable = s.ending().crashOrHang() || s.ending() == Side.Ending.FAILED;
                if (unstable && nativeGood && !t.stops.contains(m.id())) {
                    t.stops.add(m.id());
                    t.consider(m, "under detsim it " + s.ending().json() + (s.note() == null ? "" : ": " + s.note())
                            + "; natively it ran fine");
                }
            }
        }
        String summary = switch (t.status()) {
            case STOP -> "instability under detsim (crash, hang, failure or differing runs): " + String.join(", ", t.stops);
            case PASS -> "repeated runs with one seed identical, and none of " + detsimRuns
                    + " runs under detsim crashed, hung or failed where it ran natively";
            case INCOMPLETE -> t.incompleteSummary("stability");
        };
        return new Threshold(Threshold.STABILITY, "runtime instability (crash, hang, or different results across"
                + " repeated deterministic runs) => STOP", t.status(), summary, t.evidence, t.ids);
    }
}
