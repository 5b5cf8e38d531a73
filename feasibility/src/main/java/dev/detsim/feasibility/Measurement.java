package dev.detsim.feasibility;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * One row of the report: a thing measured natively and under detsim, with its evidence.
 *
 * @param id         stable identifier, e.g. {@code go.pingpong.cross}, {@code etcd.put}, {@code go.threads.10}
 * @param group      {@code cockroach}, {@code go}, {@code etcd}, {@code dqlite} or {@code stability}
 * @param title      what was measured, in words
 * @param kind       what kind of figure the sides carry
 * @param thresholds the ids of the thresholds this row is evidence for ({@link Threshold})
 * @param status     OK, FAILED (under detsim, where it worked natively) or NOT_RUN (with a reason)
 * @param reason     why it failed or did not run, or null
 * @param clock      which clock the times were read from, or null where the row holds no time
 * @param sample     what one sample is (e.g. "mean of a batch of 10 round trips"), or null
 * @param parameters the row's inputs (sample counts, N, seed...)
 * @param sides      the runs: natively first, then under detsim
 * @param evidence   lines a reader needs to judge the row
 */
public record Measurement(String id, String group, String title, Kind kind, Set<String> thresholds, Status status,
        String reason, String clock, String sample, Map<String, String> parameters, List<Side> sides,
        List<String> evidence) {

    /** What kind of figure a row holds. */
    public enum Kind {
        LATENCY("latency"), WALL_TIME("wall-time"), THREADS("threads"), CHECK("check"), DETERMINISM("determinism");

        private final String json;

        Kind(String json) {
            this.json = json;
        }

        public String json() {
            return json;
        }
    }

    /** Whether the row ran, and how it went. */
    public enum Status {
        OK("ok"), FAILED("failed"), NOT_RUN("not-run");

        private final String json;

        Status(String json) {
            this.json = json;
        }

        public String json() {
            return json;
        }
    }

    /** Clock of the Go benchmarks' samples. */
    public static final String PROGRAM_CLOCK = "host CLOCK_MONOTONIC_RAW read inside the program by a clock_gettime"
            + " system call (under detsim through run --benchmark-clock)";
    /** Clock of everything the harness times from outside. */
    public static final String HARNESS_CLOCK = "host clock (System.nanoTime), measured by the harness outside the sandbox";

    public Measurement {
        thresholds = new TreeSet<>(thresholds);
        parameters = new TreeMap<>(parameters);
        sides = List.copyOf(sides);
        evidence = List.copyOf(evidence);
        if ((status == Status.OK) != (reason == null)) {
            throw new IllegalArgumentException(id + ": a reason is given exactly when the row is not OK");
        }
    }

    /** A row that did not run: {@code reason} says why (it starts with "not run: "). */
    public static Measurement notRun(String id, String group, String title, Kind kind, Set<String> thresholds,
            String clock, String reason) {
        return new Measurement(id, group, title, kind, thresholds, Status.NOT_RUN, reason, clock, null, Map.of(),
                List.of(), List.of());
    }

    /** True if the row counts towards the degradation threshold: a basic operation of a database. */
    public boolean basicOperation() {
        return thresholds.contains(Threshold.DEGRADATION);
    }

    /** The first run on that side, if any. */
    public Optional<Side> side(Side.Where where) {
        return sides.stream().filter(s -> s.where() == where).findFirst();
    }

    /**
     * How many times slower under detsim: the ratio of the p50s for latencies, of the wall times for wall
     * times; null when either side lacks the figure or the native one is 0.
     */
    public Double factor() {
        return switch (kind) {
            case LATENCY -> ratio(Side::p50);
            case WALL_TIME -> ratio(Side::wallNanos);
            default -> null;
        };
    }

    /** The ratio of the p99s, for latencies; else null. */
    public Double factorP99() {
        return kind == Kind.LATENCY ? ratio(s -> s.latency() == null ? null : s.latency().p99()) : null;
    }

    private Double ratio(java.util.function.Function<Side, Long> figure) {
        Long n = side(Side.Where.NATIVE).map(figure).orElse(null);
        Long d = side(Side.Where.DETSIM).map(figure).orElse(null);
        if (n == null || d == null || n == 0) {
            return null;
        }
        return (double) d / n;
    }

    Measurement withStatus(Status s, String why) {
        return new Measurement(id, group, title, kind, thresholds, s, why, clock, sample, parameters, sides, evidence);
    }
}
