package dev.detsim.sandbox.os;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * The memory-segment accesses the first native calls of a run make (the branch-counter probe's perf_event_attr,
 * the spawn request's strings and pointers), made once on a throw-away segment. The JVM generates the code behind
 * the first access of each kind at every start (the AOT cache does not keep it; the other kinds detsim uses were
 * found ready, -Xlog:class+load+cause): made here by a thread with time to spare, it is ready for the threads that
 * start the run.
 */
public final class SegmentAccessors {
    private SegmentAccessors() {}

    /** Makes each of those accesses once; has no effect outside a segment of its own. */
    public static void exercise() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment s = arena.allocate(64, 8);
            s.set(JAVA_INT, 0, 1);
            s.set(JAVA_LONG, 8, 2L);
            s.get(JAVA_INT, 0);
            MemorySegment text = arena.allocateFrom("detsim");
            s.setAtIndex(ADDRESS, 2, text);
            s.set(ADDRESS, 24, text);
        }
    }
}
