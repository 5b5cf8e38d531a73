package dev.detsim.sandbox.tracer.preemption;

import dev.detsim.sandbox.arch.Arch;
import dev.detsim.sandbox.os.Posix;
import dev.detsim.sandbox.os.ProcFiles;
import dev.detsim.abi.Signals;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The wall-clock fallback for machines without branch counters: when the one running thread has run for
 * {@link #PERIOD_NANOS} without reaching a scheduling point while some other thread could go on, this thread
 * stops it with a SIGSTOP (tgkill). "Run" means: it used that much CPU time in user mode, or it sits blocked
 * in the kernel (not state R) in a call that may wait for another traced thread ({@link BlockedCall}). So a
 * thread the host merely did not schedule (a loaded CI machine) is not preempted, nor one whose time goes to the kernel's work on its behalf (copying a big write into the page cache,
 * faulting in memory, an fdatasync that wakes up between disk waits): only user-mode spinning and waits on
 * other threads are; and time it spends in a ptrace stop (detsim handling a syscall's exit, say, or waiting for
 * the host to schedule detsim's own thread) does not count either. The stop, which the tracer sees as a signal-delivery-stop, is suppressed and turned into
 * a preemption. Where that lands depends on host speed, so every one is counted as nondeterministic.
 *
 * <p>A SIGSTOP is used rather than PTRACE_INTERRUPT because only the tracer thread may make ptrace requests
 * and it is blocked in waitpid while the thread runs.
 */
public final class Watchdog implements AutoCloseable {
    /**
     * 100 ms; the system property detsim.watchdogMillis sets another, for tests that need a replay's
     * watchdog to fire where its recording's did not (DETSIM_JAVA_OPTIONS passes it to every run).
     */
    public static final long PERIOD_NANOS = Long.getLong("detsim.watchdogMillis", 100) * 1_000_000L;
    private static final long TICK_NANOS = 5_000_000L;

    private final Map<Integer, AtomicInteger> sent = new ConcurrentHashMap<>();
    private final Thread thread;
    private volatile boolean closed;
    private volatile boolean armed;
    private volatile long turn;
    private volatile long startNanos;
    private volatile int tgid, tid;
    private volatile long kickedTurn = -1;
    /** No stop before this (System.nanoTime); see {@link #holdOff}. */
    private volatile long holdOffUntil;
    /** Watchdog thread only: the turn whose CPU-time baseline it took, and that baseline. */
    private long baselineTurn = -1, baselineCpu;
    /** Watchdog thread only: when the current turn's time began to count (its start, or its last own-work wait). */
    private long countFrom;
    /** Watchdog thread only: when it last looked at the turn's thread. */
    private long lastLook;

    private final Arch arch;

    public Watchdog(Arch arch) {
        this.arch = arch;
        thread = Thread.ofPlatform().daemon().name("detsim-watchdog").start(this::watch);
    }

    /** A turn of thread tid begins: stop it if it runs longer than the period. */
    public void arm(long turn, int tgid, int tid) {
        this.tgid = tgid;
        this.tid = tid;
        this.startNanos = System.nanoTime();
        this.turn = turn;
        this.armed = true;
    }

    /** The turn ended (or nothing else could run): no stop needed. */
    public void disarm() {
        armed = false;
    }

    /**
     * The stop of this turn was not taken (a replay, whose recording has no preemption here): stop the thread
     * again only if it is still running this turn after nanos more.
     */
    public void holdOff(long turn, long nanos) {
        holdOffUntil = System.nanoTime() + nanos;
        if (kickedTurn == turn) kickedTurn = -1;
    }

    /** Whether the watchdog stopped this turn. */
    public boolean kicked(long turn) {
        return kickedTurn == turn;
    }

    /** Host nanoseconds since the current turn began. */
    public long elapsedNanos() {
        return System.nanoTime() - startNanos;
    }

    /** A SIGSTOP reached thread tid: true (and forgotten) if the watchdog sent it. */
    public boolean claim(int tid) {
        AtomicInteger n = sent.get(tid);
        return n != null && n.getAndUpdate(v -> Math.max(0, v - 1)) > 0;
    }

    private void watch() {
        Posix posix = Posix.forCurrentThread();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment page = arena.allocate(4096, 8);
            while (!closed) {
                LockSupport.parkNanos(TICK_NANOS);
                long t = turn;
                if (!armed || kickedTurn == t || System.nanoTime() < holdOffUntil) continue;
                int target = tid;
                if (baselineTurn != t) { // the turn is at least a tick old: take its CPU baseline (cheap turns never get here)
                    baselineTurn = t;
                    baselineCpu = userCpuNanos(target);
                    countFrom = startNanos;
                    lastLook = System.nanoTime();
                    continue;
                }
                long now = System.nanoTime(), since = lastLook;
                lastLook = now;
                if (heldByTracer(target)) { // at one of detsim's own stops: the tracer's time (or its host's), not the thread's
                    countFrom = Math.min(now, countFrom + (now - since));
                    continue;
                }
                long cpu = userCpuNanos(target);
                BlockedCall.Verdict blocked = BlockedCall.waitsForOthers(arch, posix, page, target);
                if (blocked == BlockedCall.Verdict.NO) { // in a call that needs no other thread (the disk's work):
                    baselineCpu = cpu;                   // neither its time nor its CPU counts, however long
                    countFrom = System.nanoTime();
                    continue;
                }
                if (System.nanoTime() - countFrom < PERIOD_NANOS) continue;
                boolean spinning = cpu < 0 || baselineCpu < 0 || cpu - baselineCpu >= PERIOD_NANOS - TICK_NANOS;
                // Runnable: preempt only a thread that used the CPU, not one the host did not schedule. Blocked in
                // a call another thread may have to end: preempt.
                if (blocked == BlockedCall.Verdict.NOT_BLOCKED && !spinning) continue;
                sent.computeIfAbsent(target, k -> new AtomicInteger()).incrementAndGet();
                kickedTurn = t;
                if (posix.tgkill(tgid, target, Signals.SIGSTOP) < 0) sent.get(target).decrementAndGet();
            }
        }
    }

    /**
     * User-mode CPU time thread tid has used, from utime in /proc/TID/stat (in USER_HZ ticks, 100 per second on
     * every Linux), or -1. Not a thread CPU clock: the kernel gives those only for threads of the caller's own
     * process.
     */
    static long userCpuNanos(int tid) {
        byte[] stat = ProcFiles.read("/proc/" + tid + "/stat");
        return stat == null ? -1 : userTicks(new String(stat, StandardCharsets.ISO_8859_1)) * (1_000_000_000L / USER_HZ);
    }

    private static final long USER_HZ = 100;

    /** Whether thread tid is in a ptrace stop (state 't'): detsim holds it, handling one of its stops. */
    static boolean heldByTracer(int tid) {
        byte[] stat = ProcFiles.read("/proc/" + tid + "/stat");
        if (stat == null) return false;
        String s = new String(stat, StandardCharsets.ISO_8859_1);
        int close = s.lastIndexOf(')');
        return close > 0 && close + 2 < s.length() && s.charAt(close + 2) == 't';
    }

    /** utime (field 14) of a /proc/TID/stat line; the name before it, in parentheses, may hold anything. */
    static long userTicks(String stat) {
        int close = stat.lastIndexOf(')');
        if (close < 0) return -1;
        String[] f = stat.substring(close + 2).split(" ");
        try {
            return f.length > 11 ? Long.parseLong(f[11]) : -1; // f[0] is field 3 (state)
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    @Override
    public void close() {
        closed = true;
        LockSupport.unpark(thread);
    }
}
