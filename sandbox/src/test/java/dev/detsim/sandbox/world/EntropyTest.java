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
