package dev.detsim.cli;

import static dev.detsim.cli.Programs.detsimRun;
import static dev.detsim.cli.Programs.guest;
import static dev.detsim.cli.Programs.nativeRun;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Randomness comes from --seed (getrandom, AT_RANDOM) and addresses do not move (ASLR off): five runs
 * with one seed print the same bytes, while natively, and with another seed, the output changes.
 */
class DeterministicRandomnessTest {
    private static final int RUNS = 5;

    private static String line(String output, String label) {
        return output.lines().filter(l -> l.startsWith(label + " ")).findFirst().orElseThrow(
                () -> new AssertionError("no '" + label + "' line in:\n" + output));
    }

    /** Runs command RUNS times with seed and checks every run printed the same; returns that output. */
    private static String sameEveryRun(List<String> command, long seed) {
        String first = null;
        for (int i = 0; i < RUNS; i++) {
            var r = detsimRun(List.of("--seed=" + seed), command, null);
            assertEquals(0, r.status(), r.err());
            if (first == null) first = r.out();
            else assertEquals(first, r.out(), "run " + (i + 1) + " with seed " + seed + " differs from run 1");
        }
        return first;
    }

    @Test
    void randomBytesAndAddressesFollowTheSeed() {
        List<String> cmd = List.of(guest("random_sources").toString());
        String seven = sameEveryRun(cmd, 7);
        String eight = sameEveryRun(cmd, 8);

        String native1 = nativeRun(cmd, null).out();
        String native2 = nativeRun(cmd, null).out();
        for (String label : List.of("getrandom", "at_random", "stack", "mmap", "libc")) {
            assertNotEquals(line(native1, label), line(native2, label), label + " is random natively");
        }
        assertNotEquals(line(native1, "getrandom"), line(seven, "getrandom"), "not the host's entropy");
        for (String label : List.of("getrandom", "at_random")) {
            assertNotEquals(line(seven, label), line(eight, label), label + " depends on the seed");
        }
        for (String label : List.of("stack", "heap", "mmap", "libc")) {
            assertEquals(line(seven, label), line(eight, label), label + " does not move: ASLR is off");
        }
    }

    @Test
    void randomDevicesFollowTheSeed() {
        List<String> cmd = List.of("sh", "-c",
                "head -c 16 /dev/urandom | od -An -tx1; head -c 16 /dev/urandom | od -An -tx1; "
                        + "head -c 8 /dev/random | od -An -tx1; head -c 3000000 /dev/urandom | wc -c");
        String seven = sameEveryRun(cmd, 7);
        String eight = sameEveryRun(cmd, 8);
        assertNotEquals(seven, eight, "the devices' bytes follow the seed");
        assertNotEquals(nativeRun(cmd, null).out(), nativeRun(cmd, null).out(), "natively they are random");
        List<String> lines = seven.lines().toList();
        assertNotEquals(lines.get(0), lines.get(1), "each open reads a stream of its own");
        assertEquals("3000000", lines.get(3).strip(), "the stream does not end");
    }

    @Test
    void aNonBlockingOpenOfTheDeviceStillReads() {
        var r = detsimRun(List.of("/usr/bin/python3", "-c", """
                import os
                fd = os.open('/dev/urandom', os.O_RDONLY | os.O_NONBLOCK)
                print(len(os.read(fd, 4096)))
                """), null);
        assertEquals(0, r.status(), r.err());
        assertEquals("4096\n", r.out());
    }

    @Test
    void pythonRandomnessFollowsTheSeed() {
        List<String> cmd = List.of("/usr/bin/python3", "-c",
                "import os, random; print(os.urandom(8).hex(), random.random(), hash('x'))");
        String seven = sameEveryRun(cmd, 7);
        String eight = sameEveryRun(cmd, 8);
        Function<String, String> strip = String::strip;
        assertNotEquals(strip.apply(nativeRun(cmd, null).out()), strip.apply(nativeRun(cmd, null).out()),
                "python's randomness changes natively");
        assertNotEquals(seven, eight, "and follows the seed under detsim");
    }
}
