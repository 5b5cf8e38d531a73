package dev.detsim.cli;

import static dev.detsim.cli.Programs.detsimRun;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The program and the tracer thread share one CPU; every other thread of detsim's JVM (JIT compilers, the
 * watchdog) runs on the others, so that a warming-up JIT never takes the program's CPU.
 */
class CpuPinningTest {
    @Test
    void theProgramHasItsCpuToItselfAndTheTracer() {
        Assumptions.assumeTrue(Runtime.getRuntime().availableProcessors() >= 2, "one CPU: nothing to keep apart");
        // With host pids the program's parent is detsim's JVM (the tracer thread forked it).
        String script = "grep Cpus_allowed_list /proc/self/status; "
                + "for t in /proc/$PPID/task/*; do echo \"$(cat $t/comm): $(grep Cpus_allowed_list $t/status)\"; done";
        var r = detsimRun(List.of("--host-pids"), List.of("sh", "-c", script), null);
        assertEquals(0, r.status(), r.err());
        List<String> lines = r.out().lines().toList();
        String programCpu = lines.get(0).replaceAll(".*:\\s*", "");
        assertTrue(programCpu.matches("\\d+"), "the program is pinned to one CPU: " + lines.get(0));
        List<String> onItsCpu = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            String cpus = line.replaceAll(".*Cpus_allowed_list:\\s*", "");
            if (cpusInclude(cpus, Integer.parseInt(programCpu))) onItsCpu.add(line);
        }
        assertEquals(1, onItsCpu.size(), "only the tracer shares the program's CPU: " + onItsCpu + "\n" + r.out());
        assertTrue(onItsCpu.get(0).startsWith("detsim-tracer:"), onItsCpu.toString());
        assertFalse(lines.size() < 4, r.out());
    }

    /** Whether a Cpus_allowed_list such as "0-3,5" includes cpu. */
    private static boolean cpusInclude(String list, int cpu) {
        for (String part : list.split(",")) {
            String[] range = part.trim().split("-");
            int from = Integer.parseInt(range[0]), to = range.length > 1 ? Integer.parseInt(range[1]) : from;
            if (cpu >= from && cpu <= to) return true;
        }
        return false;
    }
}
