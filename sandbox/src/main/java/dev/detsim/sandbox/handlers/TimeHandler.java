package dev.detsim.sandbox.handlers;

import dev.detsim.abi.Errno;
import dev.detsim.abi.Time;
import dev.detsim.abi.Timespec;
import dev.detsim.abi.Timeval;
import dev.detsim.sandbox.syscall.Syscall;
import dev.detsim.sandbox.api.Disposition;
import dev.detsim.sandbox.api.SyscallHandler;
import dev.detsim.sandbox.api.SyscallStop;
import dev.detsim.sandbox.tracer.SignalMasks;
import dev.detsim.sandbox.world.Clocks;
import dev.detsim.scheduler.Deadline;
import dev.detsim.scheduler.WaitCondition;
import dev.detsim.scheduler.WakeUp;
import java.util.Set;

/**
 * The time family: every clock read is answered from virtual time, and sleeps wait on the virtual clock
 * (they end when the scheduler's clock reaches their deadline, never after host time). Clock reads reach
 * here as syscalls: the tracer either patches the vDSO (most reads of the realtime and monotonic clocks are
 * answered in the program from a clock page, see the tracer's VdsoClock, and every 513th comes here) or hides it.
 */
public final class TimeHandler implements SyscallHandler {
    private final Clocks clocks;
    private final boolean benchmarkClock;

    /** benchmarkClock: CLOCK_MONOTONIC_RAW reads the host clock (for benchmarks timing themselves). */
    public TimeHandler(Clocks clocks, boolean benchmarkClock) {
        this.clocks = clocks;
        this.benchmarkClock = benchmarkClock;
    }

    @Override
    public Set<Syscall> subscriptions() {
        return Set.of(Syscall.CLOCK_GETTIME, Syscall.GETTIMEOFDAY, Syscall.TIME, Syscall.CLOCK_GETRES,
                Syscall.NANOSLEEP, Syscall.CLOCK_NANOSLEEP);
    }

    @Override
    public Disposition onSyscall(SyscallStop stop) {
        return switch (stop.syscall()) {
            case CLOCK_GETTIME -> clockGettime(stop);
            case GETTIMEOFDAY -> gettimeofday(stop);
            case TIME -> time(stop);
            case CLOCK_GETRES -> clockGetres(stop);
            case NANOSLEEP -> sleep(stop, Time.CLOCK_MONOTONIC, 0, stop.argument(0), stop.argument(1));
            case CLOCK_NANOSLEEP -> sleep(stop, (int) stop.argument(0), (int) stop.argument(1), stop.argument(2),
                    stop.argument(3));
            default -> Disposition.PASSTHROUGH;
        };
    }

    private Disposition clockGettime(SyscallStop stop) {
        int clock = (int) stop.argument(0);
        if (benchmarkClock && clock == Time.CLOCK_MONOTONIC_RAW) return Disposition.PASSTHROUGH;
        if (!Time.validClock(clock)) return Disposition.fail(Errno.EINVAL);
        return write(stop, stop.argument(1), Timespec.ofNanos(clocks.now(clock)).encode(), 0);
    }

    private Disposition gettimeofday(SyscallStop stop) {
        long tv = stop.argument(0), tz = stop.argument(1);
        if (tz != 0 && !stop.memory().write(stop.tid(), tz, new byte[8])) return Disposition.fail(Errno.EFAULT);
        if (tv == 0) return Disposition.emulate(0);
        return write(stop, tv, Timeval.ofNanos(clocks.now(Time.CLOCK_REALTIME)).encode(), 0);
    }

    private Disposition time(SyscallStop stop) {
        long seconds = Math.floorDiv(clocks.now(Time.CLOCK_REALTIME), 1_000_000_000L);
        long out = stop.argument(0);
        if (out == 0) return Disposition.emulate(seconds);
        byte[] b = java.nio.ByteBuffer.allocate(8).order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(seconds).array();
        return write(stop, out, b, seconds);
    }

    private Disposition clockGetres(SyscallStop stop) {
        int clock = (int) stop.argument(0);
        if (!Time.validClock(clock)) return Disposition.fail(Errno.EINVAL);
        long out = stop.argument(1);
        return out == 0 ? Disposition.emulate(0) : write(stop, out, Timespec.ofNanos(1).encode(), 0);
    }

    private static Disposition write(SyscallStop stop, long address, byte[] bytes, long result) {
        if (address == 0 || !stop.memory().write(stop.tid(), address, bytes)) return Disposition.fail(Errno.EFAULT);
        return Disposition.emulate(result);
    }

    /** nanosleep / clock_nanosleep: a Sleep on the virtual clock until the deadline. */
    private Disposition sleep(SyscallStop stop, int clock, int flags, long request, long remain) {
        boolean absolute = (flags & Time.TIMER_ABSTIME) != 0;
        if (stop.wakeUp().isPresent()) {
            WakeUp w = stop.wakeUp().get();
            if (w.cause() == WakeUp.Cause.INTERRUPTED) {
                if (!absolute && remain != 0) {
                    long left = w.deadline().equals(Deadline.NONE) // a CPU clock that stood still: all of it is left
                            ? Math.max(0, Timespec.nanosOf(stop.memory().read(stop.tid(), request, Timespec.SIZE)))
                            : Math.max(0, w.deadline().nanos() - clocks.virtualNow());
                    stop.memory().write(stop.tid(), remain, Timespec.ofNanos(left).encode());
                }
                return Disposition.fail(Errno.EINTR);
            }
            if (w.deadline().passedAt(clocks.virtualNow())) return Disposition.emulate(0);
            return Disposition.block(new WaitCondition.Sleep(), w.deadline());
        }
        if (clock == Time.CLOCK_THREAD_CPUTIME_ID || !Time.validClock(clock)) return Disposition.fail(Errno.EINVAL);
        long nanos = Timespec.nanosOf(stop.memory().read(stop.tid(), request, Timespec.SIZE));
        if (nanos < 0) return request == 0 ? Disposition.fail(Errno.EFAULT) : Disposition.fail(Errno.EINVAL);
        if (ownProcessCpuClock(clock) && aloneInProcess(stop.pid())) {
            // The process's CPU time stands still while its only thread sleeps: only a signal ends this.
            SignalMasks masks = SignalMasks.read(stop.tid());
            return Disposition.block(new WaitCondition.Signal(masks.interruptingUnder(masks.blocked())), Deadline.NONE);
        }
        long now = clocks.virtualNow();
        long at = absolute ? clocks.toVirtual(clock, nanos) : now + nanos;
        if (at <= now) return absolute ? Disposition.emulate(0) : Disposition.YIELD;
        return Disposition.block(new WaitCondition.Sleep(), Deadline.after(now, at - now));
    }

    /**
     * CLOCK_PROCESS_CPUTIME_ID, or the id glibc passes for it: a CPU clock id (negative) of pid 0 (the
     * caller's process; ~id >> 3 is the pid), per process (bit 2 clear).
     */
    private static boolean ownProcessCpuClock(int clock) {
        return clock == Time.CLOCK_PROCESS_CPUTIME_ID || clock < 0 && (clock & 4) == 0 && (~clock >> 3) == 0;
    }

    /** Whether process pid (real) has one thread ("Threads:" in /proc/PID/status). */
    private static boolean aloneInProcess(int pid) {
        try {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("Threads:")) return Integer.parseInt(line.substring(8).trim()) == 1;
            }
        } catch (java.io.IOException | NumberFormatException e) {
            return false;
        }
        return false;
    }
}
