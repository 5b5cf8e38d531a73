package dev.detsim.sandbox.tracer.preemption;

import java.util.ArrayList;
import java.util.List;

/**
 * The instructions a run counts executions of ({@link SiteCounters}): those given (--preempt-at, or learned by
 * an earlier run) and those the run learns itself — where the wall-clock watchdog found a thread spinning in
 * user code. A learned site is the thread's own: a JIT moves a loop as it compiles it again (interpreter, then
 * tiers of compiled code), so one program may spin at more places than a thread can count — at most
 * {@link #PER_THREAD}, as x86 has four debug registers per thread.
 */
public final class SpinSites {
    public static final int PER_THREAD = 4;

    private final List<SpinSite> all = new ArrayList<>();
    private final boolean learning;
    private int learned;

    /** given: counted from the start; learning: add where the watchdog stops a spinning thread. */
    public SpinSites(List<SpinSite> given, boolean learning) {
        for (SpinSite s : given) if (!all.contains(s)) all.add(s);
        this.learning = learning;
    }

    /** The sites thread number of program counts, in the order they were given or learned: the first PER_THREAD. */
    public List<SpinSite> forThread(String program, int number) {
        List<SpinSite> mine = new ArrayList<>();
        for (SpinSite s : all) if (s.appliesTo(program, number) && mine.size() < PER_THREAD) mine.add(s);
        return mine;
    }

    /**
     * The watchdog stopped thread number of program at address, in user code: the new site, or null (it counts
     * that site already, counts all it can, or the run does not learn).
     */
    public SpinSite learn(String program, int number, long address) {
        SpinSite s = new SpinSite(program, number, address);
        List<SpinSite> mine = forThread(program, number);
        if (!learning || mine.size() >= PER_THREAD) return null;
        for (SpinSite m : mine) if (m.address() == address) return null;
        all.add(s);
        learned++;
        return s;
    }

    /** Every site, given and learned, in order: what a later run may take as --preempt-at. */
    public List<SpinSite> all() {
        return List.copyOf(all);
    }

    /** Whether the run adds sites where the watchdog finds a thread spinning. */
    public boolean learning() {
        return learning;
    }

    /** How many this run learned. */
    public int learned() {
        return learned;
    }
}
