package dev.detsim.cli;

import dev.detsim.sandbox.os.Posix;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

/**
 * Gives each of search's job slots CPUs of its own. A detsim run pins its tracer and program to the highest
 * CPU its mask allows and moves its JVM's other threads (the JIT's) to the rest; runs started from one mask
 * would all pin to the same CPU and take turns on it, however many jobs run. So the CPUs are dealt out to the
 * slots like cards, highest first — with 2 jobs on 2 CPUs one each, with 2 on 8 four each — and slot k's
 * thread, whose mask the runs it starts inherit, keeps its own hand: no slot's JIT runs on another slot's CPU.
 * (Each slot keeping all CPUs up to its own put every other slot's JIT on the lowest: 2 jobs on 2 CPUs ran
 * slower than 1.)
 */
final class JobCpus {
    private JobCpus() {}

    /** Narrows the calling thread's CPU mask for slot (0-based) of jobs; nothing when there is one CPU or it fails. */
    static void narrowFor(int slot, int jobs) {
        try (Arena arena = Arena.ofConfined()) {
            Posix posix = Posix.forCurrentThread();
            MemorySegment mask = arena.allocate(Posix.CPU_SET_BYTES, 8);
            if (posix.schedGetaffinity(0, mask) < 0) return;
            List<Integer> cpus = new ArrayList<>();
            for (int i = 0; i < Posix.CPU_SET_BYTES * 8; i++) {
                if ((mask.get(ValueLayout.JAVA_BYTE, i / 8) & (1 << (i % 8))) != 0) cpus.add(i);
            }
            if (cpus.size() < 2) return;
            int hands = Math.min(jobs, cpus.size()), hand = slot % hands;
            for (int i = 0; i < cpus.size(); i++) {
                int cpu = cpus.get(cpus.size() - 1 - i); // dealt highest first: hand 0 gets the highest CPU
                if (i % hands != hand) {
                    mask.set(ValueLayout.JAVA_BYTE, cpu / 8, (byte) (mask.get(ValueLayout.JAVA_BYTE, cpu / 8) & ~(1 << (cpu % 8))));
                }
            }
            posix.schedSetaffinity(0, mask); // best effort: if it fails, runs share a CPU, which costs only time
        }
    }
}
