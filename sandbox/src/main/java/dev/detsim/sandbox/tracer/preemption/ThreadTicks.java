package dev.detsim.sandbox.tracer.preemption;

/**
 * One thread's tick counter ({@link TickCounters}) and its approach to the boundary of its turn, and its
 * counters at spin sites ({@link SiteCounters}). The tracer holds one per thread and reads it to choose how to
 * resume the thread (run or single-step).
 */
public final class ThreadTicks {
    /** Its counter's descriptor, -1 without one. */
    int tickFd = -1;
    /** The tick of this turn at which it may be preempted next. */
    long tickTarget;
    /** Single-stepping toward tickTarget. */
    boolean tickStepping;
    /** A stop interrupted the stepping: aim again when the turn goes on. */
    boolean tickAimDue;
    /** The program it runs, whose spin sites it counts; null before it is known. */
    String program;
    /** Its number in the event log, for the sites that are its own. */
    int number;
    /** Its spin-site counters' descriptors, and the sites they count (same index). */
    int[] siteFds = new int[0];
    SpinSite[] sites = new SpinSite[0];
    /** Replay: its breakpoint at a recorded watchdog preemption's instruction, -1 without one; that instruction. */
    int replayFd = -1;
    long replayAt;
    /** Replay: passes of that instruction this turn that were not the recorded point. */
    int replayMisses;
    /** Replay: the breakpoint signals every replayPeriod-th pass (1, or a jump to a predicted pass). */
    long replayPeriod = 1;
    /** Replay: the state at the previous pass of this approach, or null ({@link WatchdogReplay}). */
    long[] replayLast;
    /** Replay: the timer of a free run toward the recorded pass (-1: none); passes left when it began; CPU ns it ran. */
    int freeRunFd = -1;
    long freeRunPasses;
    long freeRunNanos;
    /** Replay: the fastest passes per ns of CPU time seen in this approach. */
    double passesPerNano;
    /** Replay: a free run went past the recorded pass. */
    boolean overshot;

    /** Whether the thread has a counter (else only the watchdog preempts it). */
    public boolean counting() {
        return tickFd >= 0;
    }

    /** The program whose spin sites it counts, or null. */
    public String program() {
        return program;
    }

    /** Whether it watches for a recorded watchdog preemption (replay). */
    public boolean replaying() {
        return replayFd >= 0 || freeRunFd >= 0;
    }

    /** Whether it counts executions of any spin site. */
    public boolean countingSites() {
        return siteFds.length > 0;
    }

    /** The tick of this turn at which it may be preempted next. */
    public long target() {
        return tickTarget;
    }

    /** Whether it is single-stepped toward its boundary. */
    public boolean stepping() {
        return tickStepping;
    }

    /** Whether a stop interrupted the stepping, so the approach is aimed again when its turn goes on. */
    public boolean aimDue() {
        return tickAimDue;
    }

    /** Single-steps it from here on, until the counter says the boundary is reached or passed. */
    public void startStepping() {
        tickStepping = true;
    }
}
