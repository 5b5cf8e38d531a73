package dev.detsim.sandbox.tracer;

import dev.detsim.sandbox.os.Errno;
import dev.detsim.sandbox.os.Posix;
import dev.detsim.sandbox.syscall.Syscall;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Whether this machine counts retired branches for user space (perf_event_open of
 * PERF_COUNT_HW_BRANCH_INSTRUCTIONS, the counter rr and Hermit preempt by). Deterministic preemption needs it;
 * without it a spinning thread can only be stopped by the wall-clock watchdog, which detsim reports. detsim
 * probes once per run and says what it found in the preemption warning and in --stats.
 *
 * <p>Only the probe is built: detsim does not yet preempt by counter where one exists (no machine here has
 * one to test that on), so the watchdog is the only preemption either way.
 */
public record BranchCounters(boolean available, String reason) {
    private static final int PERF_TYPE_HARDWARE = 0, PERF_COUNT_HW_BRANCH_INSTRUCTIONS = 4;
    private static final int ATTR_SIZE = 128; // PERF_ATTR_SIZE_VER8
    private static final long DISABLED = 1L, EXCLUDE_KERNEL = 1L << 5, EXCLUDE_HV = 1L << 6;

    /** Opens (and closes) a disabled user-space branch counter for the calling thread. */
    public static BranchCounters probe() {
        Posix posix = Posix.forCurrentThread();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment attr = arena.allocate(ATTR_SIZE, 8);
            attr.set(ValueLayout.JAVA_INT, 0, PERF_TYPE_HARDWARE);
            attr.set(ValueLayout.JAVA_INT, 4, ATTR_SIZE);
            attr.set(ValueLayout.JAVA_LONG, 8, PERF_COUNT_HW_BRANCH_INSTRUCTIONS);
            attr.set(ValueLayout.JAVA_LONG, 40, DISABLED | EXCLUDE_KERNEL | EXCLUDE_HV);
            long fd = posix.call(Syscall.PERF_EVENT_OPEN, attr.address(), 0, -1, -1, 0);
            if (fd < 0) return new BranchCounters(false, Errno.name((int) -fd));
            posix.close((int) fd);
            return new BranchCounters(true, "perf_event_open of PERF_COUNT_HW_BRANCH_INSTRUCTIONS works");
        }
    }

    /** For people: "retired-branch counters: none (ENOENT)" or "...: present (not used yet)". */
    public String describe() {
        return available ? "retired-branch counters: present (detsim does not preempt by them yet)"
                : "retired-branch counters: none (perf_event_open: " + reason + ")";
    }
}
