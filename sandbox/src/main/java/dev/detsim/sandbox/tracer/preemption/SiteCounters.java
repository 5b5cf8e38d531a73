package dev.detsim.sandbox.tracer.preemption;

import static dev.detsim.abi.Fcntl.F_OWNER_TID;
import static dev.detsim.abi.Fcntl.F_SETFL;
import static dev.detsim.abi.Fcntl.F_SETOWN_EX;
import static dev.detsim.abi.Fcntl.F_SETSIG;
import static dev.detsim.abi.OpenFlags.O_ASYNC;
import static dev.detsim.abi.PerfEvents.*;
import static dev.detsim.abi.Siginfo.SI_CODE;
import static dev.detsim.abi.Siginfo.SI_FD;
import static dev.detsim.abi.Signals.POLL_IN;

import dev.detsim.abi.Errno;
import dev.detsim.sandbox.os.Posix;
import dev.detsim.sandbox.syscall.Syscall;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

/**
 * Counted slices at spin sites, for machines without branch counters: each thread of a program has, for each
 * of the program's {@link SpinSite}s, a perf breakpoint event (PERF_TYPE_BREAKPOINT, HW_BREAKPOINT_X: a debug
 * register) that counts the instruction's executions and signals the thread ({@link TickCounters#SIGNAL},
 * F_SETOWN_EX to its tid) at every {@link #QUANTUM}th, before the instruction runs — an exception the
 * instruction raises itself, so the stop lands exactly there and no single-stepping is needed. The count
 * runs over the thread's life, not per turn: the K-th, 2K-th, ... execution is the same in every run, and
 * nothing needs resetting when a turn begins (which would cost two calls per site at every scheduling point).
 */
public final class SiteCounters {
    /** Executions of a site per slice: a spin-wait's iterations, about 10 ms at a breakpoint's ~10 µs a hit. */
    public static final long QUANTUM = 1000;

    private final Posix posix;
    private final SpinSites sites;
    private final MemorySegment attr, owner, word;
    private boolean warnedOpen;
    private final java.io.PrintStream warnings;

    /** breakpoints: what the probe found if it was tried before the run (sites given), else null. */
    public SiteCounters(Posix posix, Arena arena, SpinSites sites, BreakpointCounting breakpoints,
                        java.io.PrintStream warnings) {
        this.breakpoints = breakpoints;
        this.posix = posix;
        this.sites = sites;
        this.warnings = warnings;
        this.attr = arena.allocate(ATTR_SIZE, 8);
        this.owner = arena.allocate(8, 4);
        this.word = arena.allocate(ValueLayout.JAVA_LONG);
    }

    public SpinSites sites() {
        return sites;
    }

    /** What the probe for exact breakpoint counting found, once a run needed it; null before. */
    private BreakpointCounting breakpoints;

    /**
     * The watchdog stopped thread number of program spinning at address: the site it now counts, or null. The
     * first time, whether breakpoints count exactly here is tried; where they do not, nothing is learned.
     */
    public SpinSite learn(String program, int number, long address) {
        if (breakpoints == null) {
            breakpoints = BreakpointCounting.detect();
            if (!breakpoints.exact()) {
                warnings.println("detsim: warning: cannot count an instruction's executions here ("
                        + breakpoints.describe() + "); spinning threads are preempted by the wall-clock watchdog only");
            }
        }
        return breakpoints.exact() ? sites.learn(program, number, address) : null;
    }

    /** For --stats: what preempted (p, the run's choice), with what the probe for breakpoints found if tried. */
    public String describe(Preemption p) {
        if (breakpoints == null) return p.describe();
        if (!breakpoints.exact()) return "preemption by the wall-clock watchdog only (" + breakpoints.describe() + ")";
        return new Preemption(p.ticks(), p.branchCounters(), p.sites(), breakpoints).describe();
    }

    /** Thread tid, number in the log, runs program (a new thread, or an exec): counters at its sites. */
    public void arm(int tid, int number, String program, ThreadTicks t) {
        close(t);
        t.program = program;
        t.number = number;
        for (SpinSite s : sites.forThread(program, number)) add(tid, t, s);
    }

    /** A site learned while thread tid runs: count it in this thread too, if it is the site's. */
    public void add(int tid, ThreadTicks t, SpinSite s) {
        if (t.program == null || !s.appliesTo(t.program, t.number)) return;
        int fd = open(posix, attr, tid, s.address(), QUANTUM);
        if (fd >= 0) {
            long r = signalTo(posix, owner, fd, tid);
            if (r < 0) {
                posix.close(fd);
                fd = (int) r;
            }
        }
        if (fd < 0) {
            if (fd != -Errno.ESRCH && !warnedOpen) {
                warnedOpen = true;
                warnings.println("detsim: warning: cannot count executions of " + s + " in thread " + tid + " ("
                        + Errno.name(-fd) + "); its spinning there is preempted by the wall-clock watchdog");
            }
            return;
        }
        int n = t.siteFds.length;
        t.siteFds = Arrays.copyOf(t.siteFds, n + 1);
        t.sites = Arrays.copyOf(t.sites, n + 1);
        t.siteFds[n] = fd;
        t.sites[n] = s;
    }

    /** The thread is gone, or runs another program. */
    public void close(ThreadTicks t) {
        for (int fd : t.siteFds) posix.close(fd);
        t.siteFds = new int[0];
        t.sites = new SpinSite[0];
    }

    /** The site whose counter sent this SIGNAL (siginfo from PTRACE_GETSIGINFO), or null if none of t's did. */
    public SpinSite overflowOf(ThreadTicks t, MemorySegment siginfo) {
        if (siginfo.get(ValueLayout.JAVA_INT, SI_CODE) != POLL_IN) return null;
        int fd = siginfo.get(ValueLayout.JAVA_INT, SI_FD);
        for (int i = 0; i < t.siteFds.length; i++) if (t.siteFds[i] == fd) return t.sites[i];
        return null;
    }

    /** Executions of s by the thread so far, or -1. */
    public long count(ThreadTicks t, SpinSite s) {
        for (int i = 0; i < t.siteFds.length; i++) {
            if (t.sites[i].equals(s)) {
                return posix.read(t.siteFds[i], word, 8) == 8 ? word.get(ValueLayout.JAVA_LONG, 0) : -1;
            }
        }
        return -1;
    }

    /** A breakpoint counter at address for thread tid (0: the caller), overflowing every period hits; fd or -errno. */
    static int open(Posix posix, MemorySegment attr, int tid, long address, long period) {
        attr.fill((byte) 0);
        attr.set(ValueLayout.JAVA_INT, ATTR_TYPE, PERF_TYPE_BREAKPOINT);
        attr.set(ValueLayout.JAVA_INT, ATTR_SIZE_FIELD, ATTR_SIZE);
        attr.set(ValueLayout.JAVA_LONG, ATTR_SAMPLE_PERIOD, period);
        attr.set(ValueLayout.JAVA_LONG, ATTR_FLAGS, EXCLUDE_KERNEL | EXCLUDE_HV);
        attr.set(ValueLayout.JAVA_INT, ATTR_WAKEUP_EVENTS, 1);
        attr.set(ValueLayout.JAVA_INT, ATTR_BP_TYPE, HW_BREAKPOINT_X);
        attr.set(ValueLayout.JAVA_LONG, ATTR_BP_ADDR, address);
        attr.set(ValueLayout.JAVA_LONG, ATTR_BP_LEN, 8); // sizeof(long): what the kernel requires of an X breakpoint
        return (int) posix.call(Syscall.PERF_EVENT_OPEN, attr.address(), tid, -1, -1, PERF_FLAG_FD_CLOEXEC);
    }

    /** Makes counter fd signal thread tid with SIGNAL at each overflow: 0 or -errno. */
    static long signalTo(Posix posix, MemorySegment owner, int fd, int tid) {
        owner.set(ValueLayout.JAVA_INT, 0, F_OWNER_TID);
        owner.set(ValueLayout.JAVA_INT, 4, tid);
        long r = posix.call(Syscall.FCNTL, fd, F_SETOWN_EX, owner.address());
        if (r >= 0) r = posix.call(Syscall.FCNTL, fd, F_SETSIG, TickCounters.SIGNAL);
        if (r >= 0) r = posix.call(Syscall.FCNTL, fd, F_SETFL, O_ASYNC);
        return r;
    }
}
