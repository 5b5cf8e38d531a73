package dev.detsim.scheduler;

import java.util.List;

/**
 * The default: round-robin in thread-id order. A thread keeps the CPU for up to slice consecutive turns
 * while it only stops at scheduling points; blocking, exiting, yielding or a watchdog preemption ends its
 * slice at once, and the next runnable thread after it (by id, wrapping around) goes. No randomness: the
 * same events always give the same choices.
 */
public final class DeterministicPolicy implements SchedulingPolicy {
    /**
     * Eight turns: long enough that a thread making a burst of intercepted syscalls is not switched at each
     * one (switches are where interleavings differ from a real kernel's), short enough that spinners share.
     */
    public static final int DEFAULT_SLICE = 8;

    private final int slice;
    private ThreadId last;
    private int used;

    public DeterministicPolicy() {
        this(DEFAULT_SLICE);
    }

    public DeterministicPolicy(int sliceTurns) {
        if (sliceTurns <= 0) throw new IllegalArgumentException("the slice must be at least one turn, got " + sliceTurns);
        this.slice = sliceTurns;
    }

    @Override
    public ThreadId choose(SchedulingPoint point) {
        List<ThreadId> runnable = point.runnable();
        if (point.how() == TurnEnd.STOPPED && last != null && used < slice && runnable.contains(last)) {
            used++;
            return last;
        }
        ThreadId next = runnable.getFirst();
        if (last != null) {
            for (int i = 0; i < runnable.size(); i++) { // by index: this runs at every stop, an iterator is garbage
                if (runnable.get(i).compareTo(last) > 0) {
                    next = runnable.get(i);
                    break;
                }
            }
        }
        last = next;
        used = 1;
        return next;
    }

    @Override
    public String describe() {
        return "deterministic(slice=" + slice + ")";
    }
}
