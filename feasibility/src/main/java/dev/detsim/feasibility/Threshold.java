package dev.detsim.feasibility;

import java.util.List;

/**
 * One of the plan's go/no-go thresholds, evaluated on the measurements ({@link Thresholds}).
 *
 * @param id           one of {@link #DEGRADATION}, {@link #THREAD_EXHAUSTION}, {@link #BASIC_OPERATIONS}, {@link #STABILITY}
 * @param rule         the rule in the plan's words
 * @param status       PASS, STOP, or INCOMPLETE when a row it needs did not run (never counted as passed)
 * @param summary      one line: why this status
 * @param evidence     one line per row considered (figures, reasons)
 * @param measurements the ids of the rows considered
 */
public record Threshold(String id, String rule, Status status, String summary, List<String> evidence,
        List<String> measurements) {

    public static final String DEGRADATION = "degradation";
    public static final String THREAD_EXHAUSTION = "thread-exhaustion";
    public static final String BASIC_OPERATIONS = "basic-operations";
    public static final String STABILITY = "stability";

    /** A basic operation more than this many times slower under detsim (p50) is a STOP. */
    public static final double DEGRADATION_LIMIT = 10.0;
    /** Thread exhaustion with fewer concurrent operations than this is a STOP. */
    public static final int CONCURRENCY_FLOOR = 10;

    /** The outcome of one threshold. */
    public enum Status {
        PASS("pass"), STOP("stop"), INCOMPLETE("incomplete");

        private final String json;

        Status(String json) {
            this.json = json;
        }

        public String json() {
            return json;
        }
    }

    public Threshold {
        evidence = List.copyOf(evidence);
        measurements = List.copyOf(measurements);
    }
}
