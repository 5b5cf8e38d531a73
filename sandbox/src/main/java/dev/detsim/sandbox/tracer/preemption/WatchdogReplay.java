package dev.detsim.sandbox.tracer.preemption;

import static dev.detsim.abi.PerfEvents.ATTR_SIZE;
import static dev.detsim.abi.Siginfo.SI_CODE;
import static dev.detsim.abi.Siginfo.SI_FD;
import static dev.detsim.abi.Signals.POLL_IN;

import dev.detsim.recorder.RecordedPreemption;
import dev.detsim.sandbox.os.Posix;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;

/**
 * Replaying a recording's watchdog preemptions ({@link RecordedPreemption}) at the points they landed: while
 * the next one is a thread's, that thread has a breakpoint counter at the recorded instruction that stops it
 * at every execution ({@link TickCounters#SIGNAL}); the tracer preempts at the first stop at the recorded event
 * whose registers are the recorded ones. Only one thread runs at a time, so a thread spinning on memory that
 * another thread must change sees the same registers at every pass: the first matching pass is the state
 * the recorded run was in.
 *
 * <p>A loop that counts in registers reaches its recorded pass millions of passes in, and a breakpoint costs
 * microseconds a pass. Two passes show how a pass moves the registers ({@link PassPrediction}), so how many
 * passes are left; the thread then runs free (no breakpoint) for half the CPU time those passes take at the
 * fastest speed seen, is stopped by its own CPU time ({@link TaskClock}), and is measured again, until the
 * passes left are few enough to count: the breakpoint's period is then set to signal exactly at the predicted
 * pass. Each free run stops short of it by half its length; one whose timer came later than that leaves the
 * thread past the point for good ({@link #overshot}), and the replay parts there, saying so. A loop that counts
 * only in memory looks the same at every pass and is not told apart (its stack digest catches a count kept in
 * locals).
 */
public final class WatchdogReplay {
    private final List<RecordedPreemption> recorded;
    private final Posix posix;
    private final MemorySegment attr, owner, count;
    private int next;

    public WatchdogReplay(List<RecordedPreemption> recorded, Posix posix, Arena arena) {
        this.recorded = List.copyOf(recorded);
        this.posix = posix;
        this.attr = arena.allocate(ATTR_SIZE, 8);
        this.owner = arena.allocate(8, 4);
        this.count = arena.allocate(8, 8);
    }

    /** The next recorded preemption not yet replayed, or null. */
    public RecordedPreemption next() {
        return next < recorded.size() ? recorded.get(next) : null;
    }

    /** The next one happened (or was missed: the run then parts from the recording there); t stops counting. */
    public void consume(ThreadTicks t) {
        disarm(t);
        next++;
    }

    /** Whether t's last free run went past the recorded pass (its timer came late): the point cannot be met. */
    public boolean overshot(ThreadTicks t) {
        return t.overshot;
    }

    /** Thread tid (number in the log) begins a turn: it watches for the next preemption if that is its own. */
    public void beginTurn(int tid, int number, ThreadTicks t) {
        RecordedPreemption p = next();
        t.replayMisses = 0;
        t.overshot = false;
        t.replayLast = null;
        t.freeRunPasses = 0;
        t.passesPerNano = 0;
        if (p == null || !p.replayable() || p.thread() != number || t.replayFd >= 0) return;
        arm(t, tid, 1);
    }

    /** Gives t a breakpoint at the next recorded instruction that signals every period-th pass; false if it cannot. */
    private boolean arm(ThreadTicks t, int tid, long period) {
        RecordedPreemption p = next();
        int fd = SiteCounters.open(posix, attr, tid, p.instruction(), period);
        if (fd < 0) return false; // the recorded event then finds no preemption: the run parts there, and says so
        if (SiteCounters.signalTo(posix, owner, fd, tid) < 0) {
            posix.close(fd);
            return false;
        }
        disarm(t);
        t.replayFd = fd;
        t.replayAt = p.instruction();
        t.replayPeriod = period;
        return true;
    }

    /** Whether this SIGNAL stop (siginfo from PTRACE_GETSIGINFO) is t's replay breakpoint. */
    public boolean isHit(ThreadTicks t, MemorySegment siginfo) {
        if (siginfo.get(ValueLayout.JAVA_INT, SI_CODE) != POLL_IN) return false;
        int fd = siginfo.get(ValueLayout.JAVA_INT, SI_FD);
        return t.replayFd >= 0 && fd == t.replayFd || t.freeRunFd >= 0 && fd == t.freeRunFd;
    }

    /**
     * Whether thread number, at event index with registers state at instruction ip, and stack (a
     * {@link StackDigest}, asked for only once all else matches), is the next recorded point.
     */
    public boolean matches(long eventIndex, int number, long ip, long[] state, java.util.function.Supplier<String> stack) {
        RecordedPreemption p = next();
        return p != null && p.replayable() && p.event() == eventIndex && p.thread() == number && p.instruction() == ip
                && java.util.Arrays.equals(p.registers(), state)
                && (p.stack() == null || p.stack().equals(stack.get()));
    }

    /**
     * Passes of the recorded instruction that do not match, per turn, before the breakpoint rests until the
     * thread's next turn: at ~10 µs a pass, about the watchdog's period.
     */
    static final int MISSES_PER_TURN = 10_000;

    /** Passes left that are counted by the breakpoint rather than approached by free runs: a few ms of hits. */
    static final long COUNTED_PASSES = 500;
    /** The first free run, in the thread's CPU time: it measures the loop's speed. */
    static final long PROBE_NANOS = 1_000_000;
    /** The share of the CPU time the passes left take that a free run lasts: the margin against the stop's error. */
    static final double FREE_RUN_SHARE = 0.5;
    /** Shorter free runs are not tried: the timer's own error would be a large part of them. */
    static final long SHORTEST_FREE_RUN_NANOS = 30_000;

    /**
     * A pass that did not match, with the thread's state there (flagsWord: the arch's flags word). Returns whether
     * the thread now runs free toward the recorded pass, its breakpoint off until its own CPU time stops it
     * (a task-clock counter, an hrtimer on its CPU). After {@link #MISSES_PER_TURN} such passes in one turn the
     * breakpoint rests until the next.
     */
    public boolean missed(ThreadTicks t, int tid, long[] state, int flagsWord) {
        long[] before = t.replayLast;
        t.replayLast = state;
        if (++t.replayMisses >= MISSES_PER_TURN) {
            disarm(t);
            return false;
        }
        if (t.replayPeriod != 1) { // a predicted pass that was not the point: look pass by pass again
            t.replayLast = null;
            arm(t, tid, 1);
            return false;
        }
        if (before == null) return false;
        long left = PassPrediction.passesAhead(before, state, next().registers(), flagsWord);
        if (left < 0 && t.freeRunPasses > 0) { // a late timer: the point is behind, for good
            t.overshot = true;
            disarm(t);
        }
        if (left <= 0) return false;
        if (t.freeRunPasses > 0) { // the first measure after a free run: how fast the loop went on its CPU
            t.passesPerNano = Math.max(t.passesPerNano, (double) (t.freeRunPasses - left) / Math.max(1, t.freeRunNanos));
            t.freeRunPasses = 0;
        }
        long freeRun = t.passesPerNano > 0 ? (long) ((left - COUNTED_PASSES) / t.passesPerNano * FREE_RUN_SHARE)
                : PROBE_NANOS;
        t.replayLast = null;
        if (left <= COUNTED_PASSES || freeRun < SHORTEST_FREE_RUN_NANOS) {
            if (left > 1) arm(t, tid, left); // signals exactly at the predicted pass
            return false;
        }
        int fd = TaskClock.open(posix, attr, tid, freeRun);
        if (fd < 0 || SiteCounters.signalTo(posix, owner, fd, tid) < 0) {
            if (fd >= 0) posix.close(fd);
            arm(t, tid, left); // no timer: count every pass (slow, but exact)
            return false;
        }
        disarm(t);
        t.freeRunFd = fd;
        t.freeRunPasses = left;
        return true;
    }

    /**
     * Whether this signal (siginfo) is the timer that ends t's free run; if so the breakpoint counts passes again,
     * to measure where the thread is, and the CPU time it ran is kept for the loop's speed.
     */
    public boolean endsFreeRun(ThreadTicks t, int tid, MemorySegment siginfo) {
        if (t.freeRunFd < 0 || siginfo.get(ValueLayout.JAVA_INT, SI_FD) != t.freeRunFd) return false;
        t.freeRunNanos = TaskClock.read(posix, count, t.freeRunFd);
        posix.close(t.freeRunFd);
        t.freeRunFd = -1;
        if (next() == null || !arm(t, tid, 1)) t.freeRunPasses = 0;
        return true;
    }

    /** The thread is gone, or its breakpoint served. */
    public void disarm(ThreadTicks t) {
        if (t.replayFd >= 0) posix.close(t.replayFd);
        t.replayFd = -1;
        t.replayPeriod = 1;
        if (t.freeRunFd >= 0) posix.close(t.freeRunFd);
        t.freeRunFd = -1;
    }
}
