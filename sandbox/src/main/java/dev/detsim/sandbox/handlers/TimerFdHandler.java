package dev.detsim.sandbox.handlers;

import static dev.detsim.abi.Time.TFD_TIMER_ABSTIME;
import static dev.detsim.abi.Time.TFD_TIMER_CANCEL_ON_SET;

import dev.detsim.abi.Errno;
import dev.detsim.abi.Itimerspec;
import dev.detsim.abi.Time;
import dev.detsim.sandbox.syscall.Syscall;
import dev.detsim.sandbox.api.Descriptors;
import dev.detsim.sandbox.api.Disposition;
import dev.detsim.sandbox.api.SyscallHandler;
import dev.detsim.sandbox.api.SyscallStop;
import dev.detsim.sandbox.api.TimerDelivery;
import dev.detsim.sandbox.world.Clocks;
import dev.detsim.scheduler.TimerKey;
import dev.detsim.scheduler.TimerQueue;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * timerfd_settime and timerfd_gettime on the virtual clock. The timerfd itself is the kernel's (timerfd_create
 * runs unchanged, so read, poll and epoll work on a real descriptor), but the kernel's timer is never armed:
 * detsim keeps the expiry as a {@link TimerKey} in the scheduler's queue, and when the virtual clock reaches
 * it, adds the expirations to the descriptor (TFD_IOC_SET_TICKS on a pidfd_getfd copy). The fd then reads
 * and polls as if the kernel's timer had fired, at a deterministic point.
 *
 * <p>Timers are named by (process, fd number): a timerfd shared with a forked child or passed over a socket
 * expires in the process that armed it, which is the same open file anyway.
 */
public final class TimerFdHandler implements SyscallHandler {
    static final String TIMERFD = "timerfd";
    private static final String TIMERFD_LINK = "anon_inode:[timerfd]";

    private final Clocks clocks;
    private final TimerQueue queue;
    /** The interval (0: one-shot) of each timerfd detsim has armed; its expiry is in the queue. */
    private final Map<TimerKey, Long> intervals = new HashMap<>();

    public TimerFdHandler(Clocks clocks, TimerQueue queue) {
        this.clocks = clocks;
        this.queue = queue;
    }

    @Override
    public Set<Syscall> subscriptions() {
        return EnumSet.of(Syscall.TIMERFD_SETTIME, Syscall.TIMERFD_GETTIME);
    }

    @Override
    public Disposition onSyscall(SyscallStop stop) {
        int fd = (int) stop.argument(0);
        if (!TIMERFD_LINK.equals(stop.descriptors().openFile(stop.tid(), fd))) return Disposition.PASSTHROUGH; // EBADF, EINVAL
        TimerKey key = new TimerKey(stop.process(), TIMERFD, fd);
        return switch (stop.syscall()) {
            case TIMERFD_SETTIME -> settime(stop, key, (int) stop.argument(1), stop.argument(2), stop.argument(3));
            case TIMERFD_GETTIME -> {
                long out = stop.argument(1);
                if (out == 0 || !stop.memory().write(stop.tid(), out, itimerspec(key))) yield Disposition.fail(Errno.EFAULT);
                yield Disposition.emulate(0);
            }
            default -> Disposition.PASSTHROUGH;
        };
    }

    private Disposition settime(SyscallStop stop, TimerKey key, int flags, long in, long out) {
        if ((flags & ~(TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET)) != 0) return Disposition.PASSTHROUGH; // EINVAL
        Itimerspec spec = in == 0 ? null : Itimerspec.decodeOrNull(stop.memory().read(stop.tid(), in, Itimerspec.SIZE));
        if (spec == null) return Disposition.PASSTHROUGH; // the kernel's EFAULT
        if (!spec.valid()) return Disposition.PASSTHROUGH; // the kernel's EINVAL
        long interval = spec.interval().toNanos(), value = spec.value().toNanos();
        if (out != 0 && !stop.memory().write(stop.tid(), out, itimerspec(key))) return Disposition.fail(Errno.EFAULT);
        int clock = clockOf(stop.tid(), (int) stop.argument(0));
        long now = clocks.virtualNow();
        if (value == 0) {
            forget(key);
        } else {
            long at = (flags & TFD_TIMER_ABSTIME) != 0 ? Math.max(now, clocks.toVirtual(clock, value)) : now + value;
            if (at < now) at = Long.MAX_VALUE - 1; // overflowed: never
            intervals.put(key, interval);
            queue.arm(key, at);
        }
        // The kernel disarms its own timer and clears the expirations not yet read, as a new setting does.
        long zeros = stop.scratch(Itimerspec.SIZE);
        if (!stop.memory().writeScratch(stop.tid(), zeros, Itimerspec.DISARMED.encode())) return Disposition.fail(Errno.EFAULT);
        stop.setArgument(1, 0);
        stop.setArgument(2, zeros);
        stop.setArgument(3, 0);
        return Disposition.PASSTHROUGH;
    }

    private byte[] itimerspec(TimerKey key) {
        Long interval = intervals.get(key);
        var at = queue.expiry(key);
        if (interval == null || at.isEmpty()) return Itimerspec.DISARMED.encode();
        long left = Math.max(1, at.getAsLong() - clocks.virtualNow());
        return Itimerspec.ofNanos(interval, left).encode();
    }

    @Override
    public void onTimer(TimerKey key, long expiredAt, TimerDelivery delivery) {
        if (!key.family().equals(TIMERFD)) return;
        Long interval = intervals.get(key);
        if (interval == null) return;
        long ticks = 1;
        if (interval > 0) { // periodic: every period that passed is an expiration; the next one is after now
            long missed = (clocks.virtualNow() - expiredAt) / interval;
            ticks += missed;
            queue.arm(key, expiredAt + (missed + 1) * interval);
        } else {
            intervals.remove(key);
        }
        Descriptors descriptors = delivery.descriptors();
        int thread = delivery.anyThreadOf(key.owner());
        int copy = thread == 0 ? -Errno.ESRCH : descriptors.copy(thread, key.number());
        if (copy < 0) {
            forget(key);
            return;
        }
        try {
            // The fd may have been closed and its number reused by something else meanwhile.
            if (!TIMERFD_LINK.equals(descriptors.openFileOfCopy(copy)) || descriptors.addTimerTicks(copy, ticks) < 0) {
                forget(key);
            }
        } finally {
            descriptors.close(copy);
        }
    }

    private void forget(TimerKey key) {
        intervals.remove(key);
        queue.disarm(key);
    }

    /** The clock a timerfd was created on (the clockid line of its fdinfo); CLOCK_MONOTONIC if unknown. */
    private static int clockOf(int tid, int fd) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + tid + "/fdinfo/" + fd))) {
                if (line.startsWith("clockid:")) return Integer.parseInt(line.substring(8).trim());
            }
        } catch (IOException | RuntimeException e) {
            // fall through
        }
        return Time.CLOCK_MONOTONIC;
    }
}
