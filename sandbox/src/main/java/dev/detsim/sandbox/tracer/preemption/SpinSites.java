package dev.detsim.sandbox.tracer.preemption;

import java.util.ArrayList;
import java.util.List;

/**
 * The instructions a run counts executions of ({@link SiteCounters}): those given (--preempt-at, or learned by
 * an earlier run) and those the run learns itself — where the wall-clock watchdog found a thread spinning in
 * user code. At most {@link #PER_PROGRAM} per program: x86 has four debug registers per thread.
 */
public final class SpinSites {
    public static final int PER_PROGRAM = 4;

    private final List<SpinSite> all = new ArrayList<>();
    private final boolean learning;
    private int learned;

    /** given: counted from the start; learning: add where the watchdog stops a spinning thread. */
    public SpinSites(List<SpinSite> given, boolean learning) {
        for (SpinSite s : given) if (!all.contains(s) && forProgram(s.program()).size() < PER_PROGRAM) all.add(s);
        this.learning = learning;
    }

    /** The sites of program, in the order they were given or learned. */
    public List<SpinSite> forProgram(String program) {
        List<SpinSite> mine = new ArrayList<>();
        for (SpinSite s : all) if (s.program().equals(program)) mine.add(s);
        return mine;
    }

    /** The watchdog stopped a thread of program at address, in user code: the new site, or null (known, full, or not learning). */
    public SpinSite learn(String program, long address) {
        SpinSite s = new SpinSite(program, address);
        if (!learning || all.contains(s) || forProgram(program).size() >= PER_PROGRAM) return null;
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
