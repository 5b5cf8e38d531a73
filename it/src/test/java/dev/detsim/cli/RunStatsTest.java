package dev.detsim.cli;

import static dev.detsim.cli.Programs.detsimRun;
import static dev.detsim.cli.Programs.guest;
import static dev.detsim.cli.Programs.statsField;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** detsim run --stats: the tracer's counts, as the feasibility harness reads them. */
class RunStatsTest {
    @TempDir
    Path dir;

    @Test
    void countsThreadsAndProcesses() throws Exception {
        Path stats = dir.resolve("stats.json");
        // pthreads 6 makes 6 threads besides main, all alive together at the barrier.
        var r = detsimRun(List.of("--stats=" + stats), List.of(guest("pthreads").toString(), "6", "1000"), null);
        assertEquals(0, r.status(), r.err());
        String json = Files.readString(stats);
        assertEquals(7, statsField(json, "threadsCreated"), json);
        assertEquals(1, statsField(json, "processesCreated"), json);
        assertEquals(7, statsField(json, "peakLiveThreads"), json);
        assertTrue(statsField(json, "syscallStops") > 0, json);
        assertEquals(0, statsField(json, "futexWordWakes"), "glibc's futex wakes stop: " + json);

        // fork_exec_chain 3: three processes in a chain below the first, one thread each.
        r = detsimRun(List.of("--stats=" + stats), List.of(guest("fork_exec_chain").toString(), "3"), null);
        json = Files.readString(stats);
        assertEquals(4, statsField(json, "processesCreated"), json);
        assertEquals(4, statsField(json, "threadsCreated"), json);
    }

    @Test
    void reportsWhatTheProbeForBranchCountersFound() throws Exception {
        // The same counter, chosen from cpuid and opened natively by a C program, must agree with detsim's probe.
        String natively = Programs.nativeRun(List.of(guest("branch_counters").toString()), null).out().trim();
        Path stats = dir.resolve("stats.json");
        var r = detsimRun(List.of("--stats=" + stats), List.of("true"), null);
        assertEquals(0, r.status(), r.err());
        String json = Files.readString(stats);
        if (natively.equals("present")) {
            assertTrue(json.contains("\"branchCounters\":\"retired-branch counters: present"), json);
            assertTrue(json.contains("\"preemption\":\"deterministic preemption by retired"), json);
        } else {
            assertTrue(natively.startsWith("none "), natively);
            String why = natively.substring(5).equals("counts-nothing") ? "the counter opens but counted"
                    : "perf_event_open: " + natively.substring(5) + ")";
            assertTrue(json.contains("\"branchCounters\":\"retired-branch counters: none (" + why), natively + " vs " + json);
            // Without counters: counted slices at spin sites, breakpoints tried only once a thread spins.
            assertTrue(json.contains("\"preemption\":\"counted slices at spin sites (every 1000th execution,"
                    + " breakpoint counters, sites learned from the watchdog), else the wall-clock watchdog (breakpoints"
                    + " tried at the first spinning thread)\""), json);
        }
    }

    @Test
    void aWatchdogPreemptionNamesWhatTheCountersProbeFound() {
        var r = detsimRun(List.of("--preempt-by=watchdog"), List.of(guest("spin_flag").toString()), null);
        assertEquals(0, r.status(), r.err());
        assertTrue(r.err().contains("preemptions were not deterministic") && r.err().contains("retired-branch counters:"),
                r.err());
    }

}
