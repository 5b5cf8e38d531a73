package dev.detsim.feasibility;

import dev.detsim.targets.cockroach.CockroachBinary;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.IntStream;

/**
 * What one harness run does.
 *
 * @param quick     the short run (about 2 minutes): fewer samples, fewer N for thread growth
 * @param runs      how many times the deterministic workload runs under detsim with one seed (at least 2)
 * @param out       the report directory
 * @param cockroach the cockroach binary, or why there is none
 * @param goCache   where built Go benchmarks are cached
 * @param env       the environment (PATH for go, etcd and dqlite-demo)
 */
public record Options(boolean quick, int runs, Path out, CockroachBinary.Resolution cockroach, Path goCache,
        Map<String, String> env) {

    /** The seed of the deterministic runs. */
    public static final long SEED = 42;

    public Options {
        Objects.requireNonNull(out, "out");
        Objects.requireNonNull(cockroach, "cockroach");
        if (runs < 2) {
            throw new IllegalArgumentException("runs must be at least 2, not " + runs);
        }
        env = Map.copyOf(env);
    }

    /** The default number of deterministic runs: 3, or 2 with --quick. */
    public static int defaultRuns(boolean quick) {
        return quick ? 2 : 3;
    }

    /** Options with the default Go cache for this environment. */
    public static Options of(boolean quick, Integer runs, Path out, CockroachBinary.Resolution cockroach,
            Map<String, String> env) {
        return new Options(quick, runs == null ? defaultRuns(quick) : runs, out, cockroach,
                GoToolchain.defaultCache(env), env);
    }

    Sizes sizes() {
        return quick ? Sizes.QUICK : Sizes.DEFAULT;
    }

    /**
     * How much each step measures.
     *
     * @param samples       samples per Go scheduling / cgo benchmark run
     * @param timerSamples  1 ms sleeps per timer run
     * @param sqliteSamples samples (batches of 10 operations) per go-sqlite3 run
     * @param threadCounts  the N of the thread-growth runs
     * @param kvOps         writes (and as many reads) against each stand-in server
     * @param sqlOps        upserts (and as many point selects) against CockroachDB
     * @param budget        the whole run's time budget
     */
    record Sizes(int samples, int timerSamples, int sqliteSamples, List<Integer> threadCounts, int kvOps, int sqlOps,
            Duration budget) {
        static final Sizes QUICK = new Sizes(1000, 300, 200, List.of(1, 2, 4, 8, 9, 10, 16, 32, 64), 200, 100,
                Duration.ofSeconds(110));
        static final Sizes DEFAULT = new Sizes(3000, 3000, 2000, IntStream.rangeClosed(1, 64).boxed().toList(), 2000,
                1000, Duration.ofSeconds(570));
    }
}
