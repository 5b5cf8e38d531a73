package dev.detsim.cli;

import java.util.Map;
import java.util.stream.LongStream;

/**
 * The seeds one search runs: the range A..B (both included), or of it the shard i of N — every seed s with
 * (s - A) mod N = i — so that N searches that know only i and N cover the range once, with nothing shared.
 *
 * @param first A
 * @param last B
 * @param shard i, 0 <= i < N
 * @param shards N (1: the whole range)
 * @param shardFrom where i came from, for the reader ("--shard", "JOB_COMPLETION_INDEX", ...)
 */
record SeedPlan(long first, long last, int shard, int shards, String shardFrom) {
    /** The environment variables that name a shard when --shard does not, with --shards: Kubernetes', then Slurm's. */
    static final String[] SHARD_VARIABLES = {"JOB_COMPLETION_INDEX", "SLURM_ARRAY_TASK_ID"};

    /**
     * The plan for --seeds=A..B, --shard=i/N (or null) and --shards=N (or null) in the environment env.
     *
     * @throws IllegalArgumentException saying, in words, what is wrong
     */
    static SeedPlan of(String seeds, String shard, Integer shards, Map<String, String> env) {
        String[] range = seeds.split("\\.\\.", -1);
        if (range.length != 2) throw new IllegalArgumentException("--seeds must be A..B (e.g. 1..1000), not '" + seeds + "'");
        long a = number(range[0], "--seeds"), b = number(range[1], "--seeds");
        if (a < 0 || b < a) throw new IllegalArgumentException("--seeds: need 0 <= A <= B, not " + seeds);
        if (shard != null) {
            String[] parts = shard.split("/", -1);
            if (parts.length != 2) throw new IllegalArgumentException("--shard must be i/N (e.g. 0/4), not '" + shard + "'");
            int i = (int) number(parts[0], "--shard"), n = (int) number(parts[1], "--shard");
            if (shards != null && shards != n) throw new IllegalArgumentException("--shard says " + n + " shards, --shards " + shards);
            return checked(a, b, i, n, "--shard");
        }
        if (shards == null) return new SeedPlan(a, b, 0, 1, null);
        for (String variable : SHARD_VARIABLES) {
            String value = env.get(variable);
            if (value != null && !value.isBlank()) return checked(a, b, (int) number(value.trim(), variable), shards, variable);
        }
        throw new IllegalArgumentException("--shards=" + shards + " needs --shard=i/N, or JOB_COMPLETION_INDEX or"
                + " SLURM_ARRAY_TASK_ID to say which shard this is");
    }

    private static SeedPlan checked(long a, long b, int i, int n, String from) {
        if (n < 1 || i < 0 || i >= n) {
            throw new IllegalArgumentException(from + ": shard " + i + " of " + n + " does not exist (shards are 0.." + (n - 1) + ")");
        }
        return new SeedPlan(a, b, i, n, from);
    }

    private static long number(String s, String what) {
        try {
            return Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(what + ": '" + s + "' is not a number");
        }
    }

    /** This shard's seeds, ascending. */
    LongStream seeds() {
        long start = first + shard;
        if (start > last) return LongStream.empty();
        long count = (last - start) / shards + 1;
        return LongStream.range(0, count).map(k -> start + k * shards);
    }

    long count() {
        long start = first + shard;
        return start > last ? 0 : (last - start) / shards + 1;
    }

    /** "seeds 1..100" or "seeds 1..100, shard 2/4 (from JOB_COMPLETION_INDEX): 25 seeds". */
    String describe() {
        String range = "seeds " + first + ".." + last;
        return shards == 1 ? range : range + ", shard " + shard + "/" + shards + " (from " + shardFrom + "): " + count() + " seeds";
    }
}
