package dev.detsim.cli;

import static dev.detsim.cli.Programs.detsimRun;
import static dev.detsim.cli.Programs.verify;
import static dev.detsim.cli.Programs.nativeRun;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Clocks and sleeps read virtual time: fixed epoch, same values every run, sleeps that take no host time. */
class VirtualTimeTest {
    private static final String PY_CLOCKS = "import time\n"
            + "print(time.time(), time.monotonic(), time.clock_gettime(time.CLOCK_BOOTTIME))\n"
            + "time.sleep(30)\n"
            + "print(time.time(), time.monotonic())\n";

    @Test
    void dateShowsTheEpochAndTheEpochOptionMovesIt() {
        assertEquals("2000-01-01T00:00:00+00:00\n", detsimRun(List.of("date", "-u", "-Iseconds"), null).out());
        assertEquals("2020-09-13T12:26:40+00:00\n",
                detsimRun(List.of("--epoch=1600000000"), List.of("date", "-u", "-Iseconds"), null).out());
        assertNotEquals("2000-01-01T00:00:00+00:00\n", nativeRun(List.of("date", "-u", "-Iseconds"), null).out());
    }

    @Test
    void sleepsPassInVirtualTimeNotHostTime() {
        long start = System.nanoTime();
        var r = detsimRun(List.of("/usr/bin/python3", "-c", PY_CLOCKS), null);
        long hostMillis = (System.nanoTime() - start) / 1_000_000;
        assertEquals(0, r.status(), r.err());
        String[] lines = r.out().split("\n");
        String[] before = lines[0].split(" "), after = lines[1].split(" ");
        assertTrue(before[0].startsWith("946684800.0"), r.out());
        assertTrue(before[1].startsWith("1000.0"), "monotonic starts at the machine's 1000 s uptime: " + r.out());
        double slept = Double.parseDouble(after[0]) - Double.parseDouble(before[0]);
        assertTrue(slept >= 30 && slept < 30.1, "30 virtual seconds passed: " + r.out());
        assertTrue(hostMillis < 20_000, "the sleep took no host time: " + hostMillis + " ms");
    }

    @Test
    void clocksAreTheSameInEveryRun() {
        var r = verify("--runs", "5", "--", "/usr/bin/python3", "-c", PY_CLOCKS);
        assertEquals(0, r.status(), r.err());
        assertTrue(r.err().contains("5 runs identical"), r.err());
    }

    @Test
    void sqliteNowAndRandomAreVirtual() {
        String sql = "select datetime('now'), random(), hex(randomblob(8));";
        var r = verify("--runs", "5", "--", "sqlite3", ":memory:", sql);
        assertEquals(0, r.status(), r.err());
        var one = detsimRun(List.of("sqlite3", ":memory:", sql), null);
        assertTrue(one.out().startsWith("2000-01-01 00:00:00|"), one.out());
        var otherSeed = detsimRun(List.of("--seed=9"), List.of("sqlite3", ":memory:", sql), null);
        assertNotEquals(one.out(), otherSeed.out(), "random() comes from the seed");
    }
}
