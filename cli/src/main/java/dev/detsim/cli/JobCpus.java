package dev.detsim.cli;

import dev.detsim.sandbox.os.Posix;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

/**
 * Gives each of search's job slots a CPU of its own. A detsim run pins its tracer and program to the highest
 * CPU its mask allows; runs started from one mask would all pin to the same CPU and take turns on it, however
 * many jobs run. So slot k's thread — whose mask the runs it starts inherit — keeps the CPUs up to the k-th
 * highest one: its runs pin there, and their JVM's other threads go below it.
 */
final class JobCpus {
    private JobCpus() {}

    /** Narrows the calling thread's CPU mask for slot (0-based); nothing when there is one CPU or it fails. */
    static void narrowFor(int slot) {
        try (Arena arena = Arena.ofConfined()) {
            Posix posix = Posix.forCurrentThread();
            MemorySegment mask = arena.allocate(Posix.CPU_SET_BYTES, 8);
            if (posix.schedGetaffinity(0, mask) < 0) return;
            List<Integer> cpus = new ArrayList<>();
            for (int i = 0; i < Posix.CPU_SET_BYTES * 8; i++) {
                if ((mask.get(ValueLayout.JAVA_BYTE, i / 8) & (1 << (i % 8))) != 0) cpus.add(i);
            }
            if (cpus.size() < 2) return;
            int target = cpus.get(cpus.size() - 1 - slot % cpus.size());
            for (int cpu : cpus) {
                if (cpu > target) {
                    mask.set(ValueLayout.JAVA_BYTE, cpu / 8, (byte) (mask.get(ValueLayout.JAVA_BYTE, cpu / 8) & ~(1 << (cpu % 8))));
                }
            }
            posix.schedSetaffinity(0, mask); // best effort: if it fails, runs share a CPU, which costs only time
        }
    }
}
