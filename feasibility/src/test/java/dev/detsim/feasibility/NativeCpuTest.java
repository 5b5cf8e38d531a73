package dev.detsim.feasibility;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class NativeCpuTest {
    @Test
    void theHighestAllowedCpu() {
        assertEquals(OptionalInt.of(1), NativeCpu.highestAllowed("Name:\tjava\nCpus_allowed:\t3\nCpus_allowed_list:\t0-1\n"));
        assertEquals(OptionalInt.of(7), NativeCpu.highestAllowed("Cpus_allowed_list:\t0-1,4,6-7\n"));
        assertEquals(OptionalInt.of(0), NativeCpu.highestAllowed("Cpus_allowed_list:\t0\n"));
        assertEquals(OptionalInt.empty(), NativeCpu.highestAllowed("Name:\tjava\n"));
        assertEquals(OptionalInt.empty(), NativeCpu.highestAllowed("Cpus_allowed_list:\tgarbage\n"));
    }

    @Test
    void tasksetOnThisMachineOrNothing() throws Exception {
        List<String> p = NativeCpu.prefix(System.getenv());
        assertEquals(3, p.size(), "util-linux's taskset is on every Debian: " + p);
        assertTrue(p.getFirst().endsWith("/taskset"), p::toString);
        String status = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/self/status"));
        assertEquals(NativeCpu.highestAllowed(status).getAsInt(), NativeCpu.cpuOf(p), "the highest CPU here");
        assertEquals(List.of(), NativeCpu.prefix(Map.of("PATH", "/nonexistent")));
        assertEquals(null, NativeCpu.cpuOf(List.of()));
    }
}
