package dev.detsim.sandbox.tracer.preemption;

import static dev.detsim.abi.Fcntl.F_OWNER_TID;
import static dev.detsim.abi.Fcntl.F_SETFL;
import static dev.detsim.abi.Fcntl.F_SETOWN_EX;
import static dev.detsim.abi.Fcntl.F_SETSIG;
import static dev.detsim.abi.OpenFlags.O_ASYNC;
import static dev.detsim.abi.Siginfo.SI_CODE;
import static dev.detsim.abi.Siginfo.SI_FD;
import static dev.detsim.abi.Signals.POLL_IN;

import dev.detsim.abi.Signals;

import dev.detsim.abi.Errno;
import dev.detsim.sandbox.os.Posix;
import dev.detsim.sandbox.world.Entropy;
import dev.detsim.sandbox.syscall.Syscall;
import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Deterministic preemption by counting (rr's technique, without a recording): every traced thread has a perf
 * counter of its own {@link TickSource ticks}, opened by detsim and reset when the thread's turn begins. A
 * thread's turn may end at tick {@code quantum}, {@code 2 × quantum}, ... of that turn, at exactly the
 * instruction after that tick, so the same program and seed preempt at the same point in every run:
 * <ol>
 *   <li>the counter overflows {@code skid} ticks before the boundary and the kernel signals the thread
 *       ({@link #SIGNAL}, F_SETOWN_EX to its tid); detsim sees the signal-delivery-stop, recognises its own
 *       counter by the siginfo's descriptor, and suppresses the signal;</li>
 *   <li>from there detsim single-steps the thread until the count reaches the boundary;</li>
 *   <li>the tracer then preempts it if another thread could run, else aims at the next boundary.</li>
 * </ol>
 * If the interrupt lands at or past the boundary (a skid larger than the source's), the exact point is lost:
 * {@link Tick#OVERSHOT}, and a preemption there is counted as nondeterministic.
 */
public final class TickCounters {
    /** SIGSTKFLT, as rr uses: the kernel never sends it on x86 and programs do not use it. */
    public static final int SIGNAL = Signals.SIGSTKFLT;
    private static final long IOC_RESET = 0x2403, IOC_PERIOD = 0x40082404L;

    /** What an overflow notice or a single step means for the thread. */
    public enum Tick {
        /** Nothing to do now (a notice from an earlier turn, or the next boundary is far): let it run. */
        CONTINUE,
        /** Within skid of the boundary: single-step. */
        STEP,
        /** Exactly at the boundary. */
        BOUNDARY,
        /** Past the boundary: where exactly it passed is unknown. */
        OVERSHOT
    }

    private final Posix posix;
    private final TickSource source;
    private final PrintStream warnings;
    private final MemorySegment word, owner;
    private boolean warnedOpen;

    public TickCounters(Posix posix, Arena arena, TickSource source, PrintStream warnings) {
        this(posix, arena, source, warnings, null);
    }

    /**
     * With chaosSeed (not null), each turn's first boundary is drawn from it, uniformly past the skid and within the
     * quantum, so --chaos preempts at seeded tick counts (a race window with no syscall in it can be split); the
     * turns come in the same order in every run with that seed, so the draws do too.
     */
    public TickCounters(Posix posix, Arena arena, TickSource source, PrintStream warnings, Long chaosSeed) {
        this.chaos = chaosSeed == null ? null : Entropy.stream(chaosSeed, CHAOS_STREAM);
        this.posix = posix;
        this.source = source;
        this.warnings = warnings;
        this.word = arena.allocate(ValueLayout.JAVA_LONG);
        this.owner = arena.allocate(8, 4);
    }

    public TickSource source() {
        return source;
    }

    /** A new thread: its counter, signalling the thread itself at each overflow. A failure leaves it to the watchdog. */
    public void open(int tid, ThreadTicks t) {
        close(t);
        int fd = source.open(posix, tid, source.quantum() - source.skid());
        if (fd < 0) {
            if (fd != -Errno.ESRCH) warnOpen(tid, "perf_event_open: " + Errno.name(-fd));
            return;
        }
        owner.set(ValueLayout.JAVA_INT, 0, F_OWNER_TID);
        owner.set(ValueLayout.JAVA_INT, 4, tid);
        long r = posix.call(Syscall.FCNTL, fd, F_SETOWN_EX, owner.address());
        if (r >= 0) r = posix.call(Syscall.FCNTL, fd, F_SETSIG, SIGNAL);
        if (r >= 0) r = posix.call(Syscall.FCNTL, fd, F_SETFL, O_ASYNC);
        if (r < 0) {
            posix.close(fd);
            warnOpen(tid, "fcntl: " + Errno.name((int) -r));
            return;
        }
        t.tickFd = fd;
    }

    private void warnOpen(int tid, String why) {
        if (warnedOpen) return;
        warnedOpen = true;
        warnings.println("detsim: warning: cannot count " + source.description() + " for thread " + tid + " ("
                + why + "); such threads are preempted only by the wall-clock watchdog");
    }

    /** The thread is gone. */
    public void close(ThreadTicks t) {
        if (t.tickFd >= 0) posix.close(t.tickFd);
        t.tickFd = -1;
    }

    /** Where each turn's first boundary is drawn from under --chaos, or null (one quantum away). */
    private final Entropy chaos;
    /** The stream of the run's seed the chaos draws come from (apart from /dev/urandom's and the schedule's). */
    private static final long CHAOS_STREAM = 0x7469636B73L; // "ticks"

    /** The thread's turn begins: count from 0, first boundary one quantum away (under --chaos, a seeded draw). */
    public void beginTurn(ThreadTicks t) {
        t.tickStepping = false;
        t.tickAimDue = false;
        if (t.tickFd < 0) return;
        posix.call(Syscall.IOCTL, t.tickFd, IOC_RESET, 0);
        long span = source.quantum() - source.skid();
        t.tickTarget = chaos == null || span <= 1 ? source.quantum()
                : source.skid() + 1 + Long.remainderUnsigned(chaos.nextLong(), span);
        setPeriod(t, t.tickTarget - source.skid());
    }

    /** Whether a signal-delivery-stop of SIGNAL is this thread's counter overflowing (siginfo from PTRACE_GETSIGINFO). */
    public boolean isOverflow(ThreadTicks t, MemorySegment siginfo) {
        return t.tickFd >= 0 && siginfo.get(ValueLayout.JAVA_INT, SI_CODE) == POLL_IN
                && siginfo.get(ValueLayout.JAVA_INT, SI_FD) == t.tickFd;
    }

    /** The counter overflowed: the boundary is within skid (or this notice is an old one). */
    public Tick overflowed(ThreadTicks t) {
        long c = count(t);
        if (c < 0) return Tick.CONTINUE;
        if (c >= t.tickTarget) return Tick.OVERSHOT;
        if (t.tickTarget - c > source.skid()) return Tick.CONTINUE; // from an earlier turn: the period still runs
        t.tickStepping = true;
        return Tick.STEP;
    }

    /** A single step ended. */
    public Tick stepped(ThreadTicks t) {
        long c = count(t);
        if (c >= 0 && c < t.tickTarget) return Tick.STEP;
        t.tickStepping = false;
        return c == t.tickTarget ? Tick.BOUNDARY : Tick.OVERSHOT;
    }

    /** Nobody else could run at the boundary (or past it): aim at the next one. STEP or CONTINUE. */
    public Tick nextBoundary(ThreadTicks t) {
        long c = Math.max(0, count(t));
        while (t.tickTarget <= c) t.tickTarget += source.quantum();
        return aim(t, c);
    }

    /** Another stop (a syscall, a signal) came while stepping: aim again when the turn goes on. */
    public void interrupted(ThreadTicks t) {
        if (!t.tickStepping) return;
        t.tickStepping = false;
        t.tickAimDue = true;
    }

    /** The turn goes on after an interrupted approach: STEP or CONTINUE. */
    public Tick resumeApproach(ThreadTicks t) {
        t.tickAimDue = false;
        long c = count(t);
        if (c < 0) return Tick.CONTINUE;
        if (c >= t.tickTarget) return nextBoundary(t); // cannot happen: a stop retires no user-space tick
        return aim(t, c);
    }

    private Tick aim(ThreadTicks t, long c) {
        long left = t.tickTarget - c;
        if (left <= source.skid()) {
            t.tickStepping = true;
            return Tick.STEP;
        }
        setPeriod(t, left - source.skid());
        return Tick.CONTINUE;
    }

    private void setPeriod(ThreadTicks t, long period) {
        word.set(ValueLayout.JAVA_LONG, 0, Math.max(1, period));
        posix.call(Syscall.IOCTL, t.tickFd, IOC_PERIOD, word.address());
    }

    /** Ticks since the turn began, or -1. */
    public long count(ThreadTicks t) {
        if (t.tickFd < 0 || posix.read(t.tickFd, word, 8) != 8) return -1;
        return word.get(ValueLayout.JAVA_LONG, 0);
    }
}
