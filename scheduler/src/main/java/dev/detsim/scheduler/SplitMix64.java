package dev.detsim.scheduler;

/**
 * The scheduler's seeded random numbers: SplitMix64 (Steele, Lea, Flood 2014), written out here rather than
 * taken from java.util.Random so a seed means the same numbers on every JDK. The same algorithm as the
 * sandbox's Entropy, copied because the scheduler depends on nothing.
 */
final class SplitMix64 {
    private long state;

    SplitMix64(long seed) {
        this.state = seed;
    }

    long nextLong() {
        long z = (state += 0x9E3779B97F4A7C15L);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Uniform in [0, bound), without modulo bias (rejection sampling). */
    long nextLong(long bound) {
        if (bound <= 0) throw new IllegalArgumentException("bound must be positive, got " + bound);
        long limit = Long.remainderUnsigned(-bound, bound); // 2^64 mod bound: the biased low values to skip
        while (true) {
            long r = nextLong();
            if (Long.compareUnsigned(r, limit) >= 0) return Long.remainderUnsigned(r, bound);
        }
    }

    int nextInt(int bound) {
        return (int) nextLong(bound);
    }
}
