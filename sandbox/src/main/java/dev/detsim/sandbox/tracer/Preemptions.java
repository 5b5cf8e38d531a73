package dev.detsim.sandbox.tracer;

import static dev.detsim.sandbox.os.Ptrace.PTRACE_GETSIGINFO;

import dev.detsim.recorder.EventKind;
import dev.detsim.recorder.RecordedPreemption;
import dev.detsim.sandbox.os.CodeSite;
import dev.detsim.sandbox.tracer.preemption.SpinSite;
import dev.detsim.sandbox.tracer.preemption.StackDigest;
import dev.detsim.sandbox.tracer.preemption.TickCounters;
import dev.detsim.sandbox.tracer.preemption.Watchdog;

/**
 * Ending the turn of a thread that runs long without a syscall while another could run: at a tick counter's
 * boundary (deterministic: the same instruction count every run, {@link TickCounters}) or, where there is no
 * counter, by the wall-clock {@link Watchdog} (where it lands depends on the host's speed: counted and reported).
 */
final class Preemptions {
    /** Virtual time a preemption at a tick boundary costs: a nominal time slice, the same in every run. */
    static final long TICK_SLICE_NANOS = 1_000_000;

    private final TracedRun run;
    private final Turns turns;
    /** Where the watchdog first stopped a thread, for the warning ("FILE:0xOFFSET"), or null. */
    private CodeSite firstWatchdogSite;

    Preemptions(TracedRun run, Turns turns) {
        this.run = run;
        this.turns = turns;
    }

    CodeSite firstWatchdogSite() {
        return firstWatchdogSite;
    }

    /** The watchdog stopped a thread that ran too long without a syscall. */
    void onWatchdog(Tracee t) {
        if (!run.watchdog.kicked(turns.turnSerial)) { // a late SIGSTOP from an earlier turn: nothing to do
            turns.continueTurn(t, 0);
            return;
        }
        if (heldBack(t)) return;
        boolean regs = run.regsOf(t) != null;
        if (firstWatchdogSite == null && regs) firstWatchdogSite = CodeSite.of(t.tid, run.regs.instructionPointer());
        long cost = run.watchdog.elapsedNanos();
        String detail = WATCHDOG;
        if (run.replay != null) { // replaying: the recorded preemptions come by breakpoint, except those in a call
            RecordedPreemption next = run.replay.next();
            boolean recordedHere = next != null && next.event() == run.events.count() && next.thread() == t.number();
            if (recordedHere && !next.replayable()) {
                cost = next.costNanos();
                run.replay.consume(t.ticks);
            } else {
                detail = !recordedHere ? "watchdog (none in the recording here)"
                        : run.replay.overshot(t.ticks) ? "watchdog (the recorded preemption was not met: the thread ran"
                        + " past it, its timer came late; a replay again may meet it)"
                        : "watchdog (the recorded preemption was not met: its instruction never ran with its registers and stack)";
            }
        }
        if (run.records != null && run.records.keeping() && regs) {
            boolean inUserCode = run.regs.syscallNumber() == -1;
            run.records.made(new RecordedPreemption(run.events.count(), t.number(), cost,
                    run.regs.instructionPointer(), inUserCode ? run.arch.userState(run.regs.raw()) : null,
                    inUserCode ? stackDigest(t) : null));
        }
        run.scheduler.preempt(t.id, cost);
        run.events.record(t.number(), EventKind.PREEMPT, detail);
        learnSite(t);
        turns.endTurn(t, 0);
    }

    /**
     * How long a replay lets a thread run on when the watchdog would stop it where the recording has no
     * preemption: the recorded run got from here to the thread's next event without one, so the same thread
     * does too, however slow the host (a preemption there would part the replay from its recording). Only a
     * replay that has already parted in a way no event showed yet runs on past this; it is then preempted,
     * which shows the parting at that event.
     */
    static final long REPLAY_PATIENCE_NANOS = 10_000_000_000L;

    /** The turn whose watchdog stop a replay held back (-1: none). */
    private long heldBackTurn = -1;

    /** Replaying, with no preemption recorded here: lets t go on, the first time in this turn. */
    private boolean heldBack(Tracee t) {
        if (run.replay == null || heldBackTurn == turns.turnSerial) return false;
        RecordedPreemption next = run.replay.next();
        if (next != null && next.event() == run.events.count() && next.thread() == t.number()) return false;
        heldBackTurn = turns.turnSerial;
        run.watchdog.holdOff(turns.turnSerial, REPLAY_PATIENCE_NANOS);
        turns.continueTurn(t, 0);
        return true;
    }

    /** Memory for {@link StackDigest}, made at the first need. */
    private java.lang.foreign.MemorySegment stackBuffer;

    /** The digest of t's stack around its stack pointer (registers loaded), or null. */
    private String stackDigest(Tracee t) {
        if (stackBuffer == null) stackBuffer = run.arena.allocate(StackDigest.BYTES, 8);
        return StackDigest.of(run.posix, stackBuffer, t.tid, run.regs.stackPointer());
    }

    /** A watchdog preemption's event, in the recorded run and when replay finds it again. */
    private static final String WATCHDOG = "watchdog (not deterministic)";

    /** Whether this SIGSTKFLT stop is t's breakpoint at a recorded watchdog preemption's instruction. */
    boolean isReplayHit(Tracee t) {
        return run.replay != null && t.ticks.replaying()
                && run.posix.ptrace(PTRACE_GETSIGINFO, t.tid, 0, run.siginfo.address()) >= 0
                && run.replay.isHit(t.ticks, run.siginfo);
    }

    /**
     * t is about to execute the instruction of the next recorded watchdog preemption: preempt it here if this
     * is the recorded event and its registers are the recorded ones ({@link WatchdogReplay}), at the recorded
     * cost; else let it run on to its next pass.
     */
    void onReplayHit(Tracee t) {
        if (run.replay.endsFreeRun(t.ticks, t.tid, run.siginfo)) { // the free run toward it is over: measure again
            turns.continueTurn(t, 0);
            return;
        }
        if (run.regsOf(t) == null) return;
        long[] state = run.arch.userState(run.regs.raw());
        if (!run.replay.matches(run.events.count(), t.number(), run.regs.instructionPointer(), state,
                () -> stackDigest(t))) {
            // Each pass stops the thread, which the watchdog does not count as spinning: after enough passes
            // the breakpoint rests for the turn, so the watchdog ends a turn that never meets the point.
            if (run.replay.missed(t.ticks, t.tid, state, run.arch.flagsWord())) {
                run.watchdog.holdOff(turns.turnSerial, REPLAY_PATIENCE_NANOS); // the approach, not the period, stops it
            } else if (run.replay.overshot(t.ticks)) {
                run.watchdog.holdOff(turns.turnSerial, 0); // the point is gone: let the watchdog show the parting now
            }
            turns.continueTurn(t, 0);
            return;
        }
        RecordedPreemption p = run.replay.next();
        run.replay.consume(t.ticks);
        // The recorded run stopped before this instruction without a breakpoint: its next execution must count.
        if (run.arch.clearResumeFlag(run.regs.raw())) run.arch.store(run.posix, t.tid, run.regs.raw());
        run.scheduler.preemptAtTick(t.id, p.costNanos()); // at the recorded point: this run is no less repeatable
        run.events.record(t.number(), EventKind.PREEMPT, WATCHDOG);
        learnSite(t);
        turns.endTurn(t, 0);
    }

    /**
     * The watchdog stopped t: if it was spinning in user code (not blocked in a call), t counts executions of
     * the instruction it stopped at from now on, so that spinning there again is preempted at the same
     * execution in every run.
     */
    private void learnSite(Tracee t) {
        if (run.sites == null || t.ticks.program() == null || run.regsOf(t) == null) return;
        if (run.regs.syscallNumber() != -1) return; // stopped in a syscall: its instruction is no spin site
        SpinSite s = run.sites.learn(t.ticks.program(), t.number(), run.regs.instructionPointer());
        if (s != null) run.sites.add(t.tid, t.ticks, s);
    }

    /** Whether this SIGSTKFLT stop is one of t's spin-site counters overflowing: that site, or null. */
    SpinSite siteOverflow(Tracee t) {
        return run.sites != null && t.ticks.countingSites()
                && run.posix.ptrace(PTRACE_GETSIGINFO, t.tid, 0, run.siginfo.address()) >= 0
                ? run.sites.overflowOf(t.ticks, run.siginfo) : null;
    }

    /**
     * t is about to execute site for the K-th (2K-th, ...) time ({@link SiteCounters}): a counted slice ends
     * here if another thread could run. The breakpoint stops it before the instruction, so the instruction
     * pointer must be the site's; anywhere else the count is not trusted and the preemption is not deterministic.
     */
    void onSiteCount(Tracee t, SpinSite site) {
        if (!turns.othersCouldRun(t)) {
            turns.continueTurn(t, 0);
            return;
        }
        if (run.regsOf(t) != null && run.regs.instructionPointer() == site.address()) {
            run.scheduler.preemptAtTick(t.id, TICK_SLICE_NANOS);
            run.events.record(t.number(), EventKind.PREEMPT, "spin site 0x" + Long.toHexString(site.address())
                    + " count " + run.sites.count(t.ticks, site));
        } else {
            run.scheduler.preempt(t.id, 0);
            run.events.record(t.number(), EventKind.PREEMPT, "spin site counter off the site (not deterministic)");
        }
        turns.endTurn(t, 0);
    }

    /** Whether this SIGSTKFLT stop is t's tick counter overflowing (then the signal is detsim's, not the program's). */
    boolean isTickOverflow(Tracee t) {
        return run.ticks != null && t.ticks.counting()
                && run.posix.ptrace(PTRACE_GETSIGINFO, t.tid, 0, run.siginfo.address()) >= 0
                && run.ticks.isOverflow(t.ticks, run.siginfo);
    }

    /** What the tick counter says at an overflow notice or a single step ({@link TickCounters}). */
    void onTick(Tracee t, TickCounters.Tick tick) {
        TickCounters ticks = run.ticks;
        switch (tick) {
            case CONTINUE -> turns.continueTurn(t, 0);
            case STEP -> {
                run.watchdog.disarm(); // single steps leave it stopped most of the time, which the watchdog would take for blocked
                turns.continueTurn(t, 0);
            }
            case BOUNDARY, OVERSHOT -> {
                if (tick == TickCounters.Tick.BOUNDARY && ticks.source().probeFile() != null && inUprobeTrampoline(t)) {
                    t.ticks.startStepping(); // no probe hit before it is back: step into the program's code, then preempt
                    turns.continueTurn(t, 0);
                } else if (!turns.othersCouldRun(t)) {
                    ticks.nextBoundary(t.ticks); // steps on, or runs until the counter's next notice
                    turns.continueTurn(t, 0);
                } else if (tick == TickCounters.Tick.BOUNDARY) {
                    run.scheduler.preemptAtTick(t.id, TICK_SLICE_NANOS);
                    run.events.record(t.number(), EventKind.PREEMPT, "tick " + t.ticks.target());
                    turns.endTurn(t, 0);
                } else { // the interrupt came too late: where the turn ends depends on the hardware
                    run.scheduler.preempt(t.id, 0);
                    run.events.record(t.number(), EventKind.PREEMPT, "tick counter overshot (not deterministic)");
                    turns.endTurn(t, 0);
                }
            }
        }
    }

    private boolean inUprobeTrampoline(Tracee t) {
        return run.arch.fetch(run.posix, t.tid, run.regs.forFetch()) >= 0
                && CodeSite.inUprobeTrampoline(t.tid, run.regs.instructionPointer());
    }
}
