package dev.detsim.sandbox.world;

/**
 * The run's only source of randomness: a byte stream derived from --seed with SplitMix64 (Steele, Lea,
 * Flood, "Fast splittable pseudorandom number generators", 2014). The algorithm is fixed here, not
 * borrowed from the JDK, so a seed gives the same bytes on every JDK and machine. Not for cryptography:
 * its purpose is that programs which read randomness behave the same on every run with the same seed.
 */
public final class Entropy {
    private long state;

    public Entropy(long seed) {
        this.state = seed;
    }

    /**
     * An independent stream for a purpose (such as the n-th open of /dev/urandom): its starting state is a
     * hash of (seed, stream), so it is not a shifted copy of the seed's own sequence, as seeding with
     * {@code seed ^ n * constant} would be (SplitMix64 states advance by a constant step).
     */
    public static Entropy stream(long seed, long stream) {
        return new Entropy(mix(mix(seed) ^ (stream * 0xD1B54A32D192ED03L)));
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    public long nextLong() {
        long z = (state += 0x9E3779B97F4A7C15L);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Fills bytes with the next bytes of the stream (8 per step, little-endian). */
    public void nextBytes(byte[] bytes) {
        for (int i = 0; i < bytes.length; i += 8) {
            long v = nextLong();
            for (int j = 0; j < 8 && i + j < bytes.length; j++) bytes[i + j] = (byte) (v >>> (8 * j));
        }
    }
}
