package dev.detsim.feasibility;

import dev.detsim.targets.cockroach.CockroachBinary;
import java.time.Instant;
import java.util.List;

/**
 * Everything one harness run found: what ran where, every row with its sides, the thresholds with their evidence
 * and the verdict. The three report files (report.json, report.md, the SVG charts) are written from this alone.
 * {@code nativeCpu} is the CPU native runs were pinned to ({@link NativeCpu}), or null if they were not.
 */
public record Report(String detsimVersion, Instant startedAt, long durationNanos, boolean quick, int runs,
        CockroachBinary.Resolution cockroach, Integer nativeCpu, Machine machine, List<Measurement> measurements,
        List<Threshold> thresholds) {

    /** The version of report.json's schema (docs/FEASIBILITY.md); bumped on any incompatible change. */
    public static final int SCHEMA_VERSION = 1;

    /** Where the run happened. */
    public record Machine(String os, String kernel, String arch, int cpus, String java) {
        static Machine current() {
            return new Machine(System.getProperty("os.name"), System.getProperty("os.version"),
                    System.getProperty("os.arch"), Runtime.getRuntime().availableProcessors(),
                    Runtime.version().toString());
        }
    }

    public Report {
        measurements = List.copyOf(measurements);
        thresholds = List.copyOf(thresholds);
    }

    public Verdict verdict() {
        return Verdict.of(thresholds);
    }

    public List<String> verdictReasons() {
        return Verdict.reasons(thresholds);
    }
}
