package dev.detsim.sandbox.tracer;

import dev.detsim.abi.Errno;
import dev.detsim.sandbox.os.Posix;
import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Puts the tracer thread on one CPU before it forks; the child inherits the mask, and so does every
 * thread and process it creates. A stop then hands the CPU straight between tracee and tracer: measured
 * here ~40% cheaper and far steadier than letting the scheduler place them. Every other thread of detsim's
 * JVM (JIT compilers, the AOT profile replay, the watchdog) moves to the remaining CPUs, and the threads
 * they start inherit that: while the JIT warms up it would otherwise take the program's CPU away from it.
 */
final class CpuPinning {
    private CpuPinning() {}

    /** Pins the calling thread to the highest-numbered CPU it may use; returns that CPU or -1. */
    static int pinCallingThread(Posix posix, Arena arena, PrintStream warnings) {
        MemorySegment mask = arena.allocate(Posix.CPU_SET_BYTES, 8);
        int r = posix.schedGetaffinity(0, mask);
        if (r < 0) {
            warnings.println("detsim: warning: cannot read the CPU mask (" + Errno.name(-r) + "); not pinning");
            return -1;
        }
        int cpu = -1;
        for (int i = Posix.CPU_SET_BYTES * 8 - 1; i >= 0 && cpu < 0; i--) {
            if ((mask.get(ValueLayout.JAVA_BYTE, i / 8) & (1 << (i % 8))) != 0) cpu = i;
        }
        if (cpu < 0) return -1;
        MemorySegment others = arena.allocate(Posix.CPU_SET_BYTES, 8);
        MemorySegment.copy(mask, 0, others, 0, Posix.CPU_SET_BYTES);
        mask.fill((byte) 0);
        mask.set(ValueLayout.JAVA_BYTE, cpu / 8, (byte) (1 << (cpu % 8)));
        r = posix.schedSetaffinity(0, mask);
        if (r < 0) {
            warnings.println("detsim: warning: cannot pin to CPU " + cpu + " (" + Errno.name(-r) + "); not pinning");
            return -1;
        }
        others.set(ValueLayout.JAVA_BYTE, cpu / 8, (byte) (others.get(ValueLayout.JAVA_BYTE, cpu / 8) & ~(1 << (cpu % 8))));
        if (!isEmpty(others)) moveOtherThreads(posix, others);
        return cpu;
    }

    /** Every thread of this process but the calling one gets mask (best effort: a thread may be exiting). */
    private static void moveOtherThreads(Posix posix, MemorySegment mask) {
        int self = (int) posix.call(dev.detsim.sandbox.syscall.Syscall.GETTID);
        try (var tasks = java.nio.file.Files.list(java.nio.file.Path.of("/proc/self/task"))) {
            for (var task : (Iterable<java.nio.file.Path>) tasks::iterator) {
                int tid = Integer.parseInt(task.getFileName().toString());
                if (tid != self) posix.schedSetaffinity(tid, mask);
            }
        } catch (java.io.IOException | RuntimeException e) {
            // no /proc: the JVM's threads share the tracer's CPU, which only costs time
        }
    }

    private static boolean isEmpty(MemorySegment mask) {
        for (long i = 0; i < mask.byteSize(); i++) if (mask.get(ValueLayout.JAVA_BYTE, i) != 0) return false;
        return true;
    }
}
