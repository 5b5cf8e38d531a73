package dev.detsim.cli;

import static dev.detsim.cli.Programs.assertSameAsNative;
import static dev.detsim.cli.Programs.guest;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Guests that probe where detsim answers or reorders a call itself (edge arguments, waits it parks) end
 * exactly as they do natively: same status, stdout and stderr.
 */
class EdgeCaseTransparencyTest {
    @Test
    void getrandomArgumentEdges() {
        assertSameAsNative(List.of(guest("getrandom_edges").toString()), null);
    }

    /** Used to wait forever: detsim polled the signalfd from its own thread, where no signal is pending. */
    @Test
    void signalfdReads() {
        assertSameAsNativeWithin(List.of(guest("signalfd_reads").toString()), Duration.ofSeconds(30));
    }

    /** A parked readv or writev used to read its iovec array when it ran, after another thread changed it. */
    @Test
    void blockedReadvAndWritevKeepTheirIovecs() {
        assertSameAsNativeWithin(List.of(guest("iovec_waits").toString()), Duration.ofSeconds(30));
    }

    /** A process-CPU-clock sleep of a lone thread used to pass on virtual time; the process's CPU time stands still. */
    @Test
    void cpuClockSleepOfALoneThread() {
        assertSameAsNativeWithin(List.of(guest("cpu_clock_sleep").toString()), Duration.ofSeconds(30));
    }

    /**
     * A 1 MiB write into a pipe read by a slow thread used to block in the kernel once the pipe was full, until the
     * watchdog preempted it (100 ms, host time) and the write came back short: 65536 of 1048576.
     */
    @Test
    void aBigPipeWriteGoesAPageAtATimeAndReturnsTheWhole(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        List<String> cmd = List.of(guest("pipe_big_write").toString());
        var r = assertSameAsNative(cmd, null);
        assertTrue(r.out().startsWith("write returned 1048576 of 1048576\n"), r.out());
        java.nio.file.Path stats = dir.resolve("stats.json");
        Programs.detsimRun(List.of("--stats=" + stats), cmd, null);
        assertEquals(0, Programs.statsField(java.nio.file.Files.readString(stats), "nondeterministicPreemptions"));
        var v = Programs.verify("--runs", "3", "--", cmd.get(0));
        assertEquals(0, v.status(), v.err());
    }

    /** io_uring is refused as on a kernel without it (ENOSYS, one warning); the program takes its fallback. */
    @Test
    void ioUringSetupIsRefusedWithOneWarning() {
        var r = Programs.detsimRun(List.of(guest("io_uring_refused").toString()), null);
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("io_uring_setup: Function not implemented\n"), r.out());
        assertTrue(r.out().contains("fell back to write(2)\n"), r.out());
        assertEquals(1, r.err().lines().filter(l -> l.contains("io_uring_setup is refused with ENOSYS")).count(), r.err());
    }

    /** Like {@link Programs#assertSameAsNative}, but a hang under detsim fails after timeout. */
    private static void assertSameAsNativeWithin(List<String> command, Duration timeout) {
        var expected = Programs.nativeRun(command, null);
        List<String> cmd = new ArrayList<>(Programs.detsimCommand(List.of("run", "--")));
        cmd.addAll(command);
        var actual = Programs.run(new ProcessBuilder(cmd), null, timeout);
        Programs.assertSame(expected, actual, String.join(" ", command));
    }
}
