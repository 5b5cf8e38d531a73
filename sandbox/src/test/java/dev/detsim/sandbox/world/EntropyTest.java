package dev.detsim.sandbox.world;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import org.junit.jupiter.api.Test;

/** A seed must give the same bytes forever: the stream is pinned to SplitMix64's reference outputs. */
class EntropyTest {
    @Test
    void matchesSplitMix64ReferenceOutputs() {
        // splitmix64.c (Vigna) with x = 0: the first outputs.
        Entropy e = new Entropy(0);
        assertEquals(0xE220A8397B1DCDAFL, e.nextLong());
        assertEquals(0x6E789E6AA1B965F4L, e.nextLong());
        assertEquals(0x06C45D188009454FL, e.nextLong());
    }

    @Test
    void streamsAreNotShiftedCopiesOfTheSeedsSequence() {
        java.util.Set<Long> main = new java.util.HashSet<>();
        Entropy e = new Entropy(1);
        for (int i = 0; i < 100_000; i++) main.add(e.nextLong());
        for (int n = 1; n <= 50; n++) {
            Entropy s = Entropy.stream(1, n);
            for (int i = 0; i < 100; i++) {
                long v = s.nextLong();
                org.junit.jupiter.api.Assertions.assertFalse(main.contains(v), "stream " + n + " overlaps the seed's sequence");
            }
        }
        assertEquals(Entropy.stream(7, 3).nextLong(), Entropy.stream(7, 3).nextLong());
        assertNotEquals(Entropy.stream(7, 3).nextLong(), Entropy.stream(7, 4).nextLong());
        assertNotEquals(Entropy.stream(7, 3).nextLong(), Entropy.stream(8, 3).nextLong());
    }

    @Test
    void bytesAreTheLongsLittleEndianAndFollowTheSeed() {
        byte[] bytes = new byte[12];
        new Entropy(0).nextBytes(bytes);
        assertArrayEquals(new byte[] {(byte) 0xAF, (byte) 0xCD, 0x1D, 0x7B, 0x39, (byte) 0xA8, 0x20, (byte) 0xE2,
            (byte) 0xF4, 0x65, (byte) 0xB9, (byte) 0xA1}, bytes);
        byte[] other = new byte[12];
        new Entropy(1).nextBytes(other);
        assertNotEquals(java.util.Arrays.toString(bytes), java.util.Arrays.toString(other));
    }
}
