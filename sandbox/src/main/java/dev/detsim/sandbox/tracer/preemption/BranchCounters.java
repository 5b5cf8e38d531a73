package dev.detsim.sandbox.tracer.preemption;

import dev.detsim.abi.Errno;
import dev.detsim.sandbox.os.Posix;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Whether this machine counts retired conditional branches for user space, the counter detsim (like rr)
 * preempts by: the event for this CPU ({@link TickSource#retiredBranchesOfThisCpu}) is opened for the calling
 * thread, and must count a loop's branches (a virtual machine may open a counter that counts nothing).
 *
 * @param source the counter to preempt by, or null where there is none
 * @param reason why there is none ("ENOENT", "counted 0 branches of a 100000-iteration loop"), or null
 */
public record BranchCounters(TickSource source, String reason) {
    private static final int LOOP = 100_000;
    private static volatile int sink;

    public boolean available() {
        return source != null;
    }

    /** Opens, tries and closes the counter detsim would use. */
    public static BranchCounters detect() {
        TickSource source = TickSource.retiredBranchesOfThisCpu();
        Posix posix = Posix.forCurrentThread();
        try (Arena arena = Arena.ofConfined()) {
            int fd = source.open(posix, 0, Long.MAX_VALUE >> 1);
            if (fd < 0) return new BranchCounters(null, "perf_event_open: " + Errno.name(-fd));
            try {
                MemorySegment count = arena.allocate(ValueLayout.JAVA_LONG);
                long before = posix.read(fd, count, 8) == 8 ? count.get(ValueLayout.JAVA_LONG, 0) : -1;
                for (int i = 0; i < LOOP; i++) {
                    if (sink == i) sink = i + 1;
                }
                long after = posix.read(fd, count, 8) == 8 ? count.get(ValueLayout.JAVA_LONG, 0) : -1;
                if (before < 0 || after - before < LOOP / 10) {
                    return new BranchCounters(null, "the counter opens but counted " + Math.max(0, after - before)
                            + " branches of a " + LOOP + "-iteration loop");
                }
                return new BranchCounters(source, null);
            } finally {
                posix.close(fd);
            }
        }
    }

    /** For people: "retired-branch counters: present (...)" or "retired-branch counters: none (...)". */
    public String describe() {
        return available() ? "retired-branch counters: present (" + source.description() + ")"
                : "retired-branch counters: none (" + reason + ")";
    }
}
