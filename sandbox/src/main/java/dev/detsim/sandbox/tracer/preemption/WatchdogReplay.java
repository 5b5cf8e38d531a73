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
 * the recorded run was in. A loop that counts only in memory looks the same at every pass and is not told apart.
 */
public final class WatchdogReplay {
    private final List<RecordedPreemption> recorded;
    private final Posix posix;
    private final MemorySegment attr, owner;
    private int next;

    public WatchdogReplay(List<RecordedPreemption> recorded, Posix posix, Arena arena) {
        this.recorded = List.copyOf(recorded);
        this.posix = posix;
        this.attr = arena.allocate(ATTR_SIZE, 8);
        this.owner = arena.allocate(8, 4);
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

    /** Thread tid (number in the log) begins a turn: it watches for the next preemption if that is its own. */
    public void beginTurn(int tid, int number, ThreadTicks t) {
        RecordedPreemption p = next();
        t.replayMisses = 0;
        if (p == null || !p.replayable() || p.thread() != number || t.replayFd >= 0) return;
        int fd = SiteCounters.open(posix, attr, tid, p.instruction(), 1);
        if (fd < 0) return; // the recorded event then finds no preemption: the run parts there, and says so
        if (SiteCounters.signalTo(posix, owner, fd, tid) < 0) {
            posix.close(fd);
            return;
        }
        t.replayFd = fd;
        t.replayAt = p.instruction();
    }

    /** Whether this SIGNAL stop (siginfo from PTRACE_GETSIGINFO) is t's replay breakpoint. */
    public boolean isHit(ThreadTicks t, MemorySegment siginfo) {
        return t.replayFd >= 0 && siginfo.get(ValueLayout.JAVA_INT, SI_CODE) == POLL_IN
                && siginfo.get(ValueLayout.JAVA_INT, SI_FD) == t.replayFd;
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

    /** A pass that did not match; after {@link #MISSES_PER_TURN} in one turn the breakpoint rests until the next. */
    public void missed(ThreadTicks t) {
        if (++t.replayMisses >= MISSES_PER_TURN) disarm(t);
    }

    /** The thread is gone, or its breakpoint served. */
    public void disarm(ThreadTicks t) {
        if (t.replayFd >= 0) posix.close(t.replayFd);
        t.replayFd = -1;
    }
}
