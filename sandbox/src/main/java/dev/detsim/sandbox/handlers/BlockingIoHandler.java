package dev.detsim.sandbox.handlers;

import static dev.detsim.abi.Poll.POLLIN;
import static dev.detsim.abi.Poll.POLLOUT;
import static dev.detsim.abi.Poll.POLLPRI;

import dev.detsim.abi.PollFd;
import dev.detsim.abi.Timespec;
import dev.detsim.abi.Timeval;
import dev.detsim.sandbox.syscall.Syscall;
import dev.detsim.sandbox.api.Disposition;
import dev.detsim.sandbox.api.SyscallHandler;
import dev.detsim.sandbox.api.SyscallStop;
import dev.detsim.sandbox.world.Clocks;
import dev.detsim.scheduler.Deadline;
import dev.detsim.scheduler.WaitCondition;
import dev.detsim.scheduler.WaitCondition.Readiness.Interest;
import dev.detsim.scheduler.WakeUp;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Calls that wait for descriptors: reads, writes, accepts, poll, select and epoll. Before the kernel runs
 * one, detsim asks (with a copy of the descriptor, zero-timeout ppoll) whether it would wait; if so, the
 * thread is parked on a readiness condition instead of blocking in the kernel, where it would stall the one
 * running thread. Timeouts are virtual: when the deadline passes, the call runs with a zero timeout so the
 * kernel gives its own "nothing ready" answer. Interrupted waits run the call with the signal pending, so
 * the kernel applies its own restart rules (SA_RESTART).
 */
public final class BlockingIoHandler implements SyscallHandler {
    private static final int MSG_DONTWAIT = 0x40, MAX_FDS = 4096;
    /** A zero struct timespec (ppoll, pselect6, epoll_pwait2) or timeval (select): 16 bytes of zeros either way. */
    private static final byte[] ZERO_TIME = Timespec.ZERO.encode();
    /** How long detsim waits for a descriptor it feeds itself before treating it as any other. */
    private static final long FED_WAIT_MILLIS = 10_000;
    private final Clocks clocks;
    private final Predicate<String> fedByDetsim;
    private final PipeWrites pipeWrites = new PipeWrites();
    private final ParkedIovecs parkedIovecs = new ParkedIovecs();

    /**
     * @param fedByDetsim which open files (as /proc/PID/fd links name them) detsim writes into itself, such as
     *                    the random devices' FIFOs: a read that finds one empty waits in host time for
     *                    detsim's writer instead of parking, so when the data came does not decide the schedule
     */
    public BlockingIoHandler(Clocks clocks, Predicate<String> fedByDetsim) {
        this.clocks = clocks;
        this.fedByDetsim = fedByDetsim;
    }

    @Override
    public Set<Syscall> subscriptions() {
        return EnumSet.of(Syscall.READ, Syscall.READV, Syscall.RECVFROM, Syscall.RECVMSG, Syscall.ACCEPT,
                Syscall.ACCEPT4, Syscall.WRITE, Syscall.WRITEV, Syscall.SENDTO, Syscall.SENDMSG, Syscall.POLL,
                Syscall.PPOLL, Syscall.SELECT, Syscall.PSELECT6, Syscall.EPOLL_WAIT, Syscall.EPOLL_PWAIT,
                Syscall.EPOLL_PWAIT2);
    }

    @Override
    public Disposition onSyscall(SyscallStop stop) {
        WakeUp wake = stop.wakeUp().orElse(null);
        boolean interrupted = wake != null && wake.cause() == WakeUp.Cause.INTERRUPTED;
        if (stop.syscall() == Syscall.WRITE) return write(stop, interrupted);
        if (interrupted) return Disposition.PASSTHROUGH;
        boolean timedOut = wake != null && wake.cause() == WakeUp.Cause.DEADLINE_PASSED;
        return switch (stop.syscall()) {
            case READ, ACCEPT, ACCEPT4 -> one(stop, POLLIN, 0);
            case READV -> parkedIovecs.apply(stop, one(stop, POLLIN, 0));
            case WRITEV -> parkedIovecs.apply(stop, one(stop, POLLOUT, 0));
            case RECVFROM -> one(stop, POLLIN, stop.argument(3));
            case RECVMSG -> one(stop, POLLIN, stop.argument(2));
            case SENDTO -> one(stop, POLLOUT, stop.argument(3));
            case SENDMSG -> one(stop, POLLOUT, stop.argument(2));
            case EPOLL_WAIT -> epoll(stop, timedOut, millisTimeout(stop.argument(3)), 3, false);
            case EPOLL_PWAIT -> CallSignalMask.park(stop, stop.argument(4), stop.argument(5),
                    epoll(stop, timedOut, millisTimeout(stop.argument(3)), 3, false));
            case EPOLL_PWAIT2 -> CallSignalMask.park(stop, stop.argument(4), stop.argument(5),
                    epoll(stop, timedOut, timespecTimeout(stop, stop.argument(3)), 3, true));
            case POLL -> poll(stop, timedOut, millisTimeout(stop.argument(2)), 2, false);
            case PPOLL -> CallSignalMask.park(stop, stop.argument(3), stop.argument(4),
                    poll(stop, timedOut, timespecTimeout(stop, stop.argument(2)), 2, true));
            case SELECT -> select(stop, timedOut, timevalTimeout(stop, stop.argument(4)));
            case PSELECT6 -> CallSignalMask.parkWithPair(stop, stop.argument(5),
                    select(stop, timedOut, timespecTimeout(stop, stop.argument(4))));
            default -> Disposition.PASSTHROUGH;
        };
    }

    /** write(2): waits while fd would block; a large write to a pipe goes a page at a time ({@link PipeWrites}). */
    private Disposition write(SyscallStop stop, boolean interrupted) {
        Disposition d = interrupted ? Disposition.PASSTHROUGH : one(stop, POLLOUT, 0);
        return d instanceof Disposition.Passthrough ? pipeWrites.run(stop, interrupted) : d;
    }

    /** A read-, write- or accept-like call on fd (argument 0). */
    private Disposition one(SyscallStop stop, int events, long msgFlags) {
        if ((msgFlags & MSG_DONTWAIT) != 0) return Disposition.PASSTHROUGH;
        int fd = (int) stop.argument(0);
        if (!stop.descriptors().wouldWait(stop.tid(), fd, events)) return Disposition.PASSTHROUGH;
        String file = events == POLLIN ? stop.descriptors().openFile(stop.tid(), fd) : null;
        if (SignalFdReads.LINK.equals(file)) return SignalFdReads.read(stop, fd);
        if (file != null && fedByDetsim.test(file) && stop.descriptors().awaitReadable(stop.tid(), fd, FED_WAIT_MILLIS)) {
            return Disposition.PASSTHROUGH;
        }
        return Disposition.block(WaitCondition.Readiness.of(stop.process(), fd, events), Deadline.NONE);
    }

    private Disposition epoll(SyscallStop stop, boolean timedOut, long timeout, int timeoutArg, boolean pointer) {
        if (timedOut) return zeroTimeout(stop, timeoutArg, pointer);
        if (timeout == 0) return Disposition.PASSTHROUGH;
        int epfd = (int) stop.argument(0);
        if (!stop.descriptors().wouldWait(stop.tid(), epfd, POLLIN)) return Disposition.PASSTHROUGH;
        return Disposition.block(WaitCondition.Readiness.of(stop.process(), epfd, POLLIN), deadline(timeout));
    }

    private Disposition poll(SyscallStop stop, boolean timedOut, long timeout, int timeoutArg, boolean pointer) {
        if (timedOut) return zeroTimeout(stop, timeoutArg, pointer);
        if (timeout == 0) return Disposition.PASSTHROUGH;
        long nfds = stop.argument(1);
        if (nfds > MAX_FDS) return Disposition.PASSTHROUGH;
        byte[] raw = readAll(stop, stop.argument(0), (int) nfds * PollFd.SIZE);
        if (raw == null) return Disposition.PASSTHROUGH; // EFAULT from the kernel
        List<Interest> interests = new ArrayList<>();
        for (PollFd p : PollFd.decodeAll(raw, (int) nfds)) {
            if (p.fd() >= 0) interests.add(new Interest(p.fd(), p.events()));
        }
        return waitFor(stop, interests, timeout);
    }

    private Disposition select(SyscallStop stop, boolean timedOut, long timeout) {
        long timeoutPointer = stop.argument(4);
        if (timedOut) { // Linux leaves the remaining time, zero, in the caller's struct
            stop.memory().write(stop.tid(), timeoutPointer, ZERO_TIME);
            return Disposition.PASSTHROUGH;
        }
        if (timeout == 0) return Disposition.PASSTHROUGH;
        int nfds = (int) Math.min(stop.argument(0), 1024);
        int bytes = (nfds + 63) / 64 * 8;
        List<Interest> interests = new ArrayList<>();
        int[] kinds = {POLLIN, POLLOUT, POLLPRI};
        for (int set = 0; set < 3; set++) {
            long addr = stop.argument(1 + set);
            if (addr == 0 || nfds == 0) continue;
            byte[] bits = stop.memory().read(stop.tid(), addr, bytes);
            if (bits == null || bits.length < bytes) return Disposition.PASSTHROUGH;
            for (int fd = 0; fd < nfds; fd++) {
                if ((bits[fd / 8] & (1 << (fd % 8))) != 0) interests.add(new Interest(fd, kinds[set]));
            }
        }
        return waitFor(stop, interests, timeout);
    }

    /** Waits for any of interests, or just until the timeout if there are none (poll and select as a sleep). */
    private Disposition waitFor(SyscallStop stop, List<Interest> interests, long timeout) {
        if (!interests.isEmpty()) {
            int n = interests.size();
            int[] fds = new int[n], events = new int[n], revents = new int[n];
            for (int i = 0; i < n; i++) {
                fds[i] = interests.get(i).fd();
                events[i] = interests.get(i).events();
            }
            if (stop.descriptors().poll(stop.tid(), fds, events, revents) > 0) return Disposition.PASSTHROUGH;
            return Disposition.block(new WaitCondition.Readiness(stop.process(), interests), deadline(timeout));
        }
        if (timeout < 0) return Disposition.block(WaitCondition.Signal.any(), Deadline.NONE);
        return Disposition.block(new WaitCondition.Sleep(), deadline(timeout));
    }

    private Deadline deadline(long timeoutNanos) {
        return timeoutNanos < 0 ? Deadline.NONE : Deadline.after(clocks.virtualNow(), timeoutNanos);
    }

    /** The deadline passed: run the call with a zero timeout, so the kernel answers "nothing ready". */
    private static Disposition zeroTimeout(SyscallStop stop, int arg, boolean pointer) {
        if (pointer) {
            long scratch = stop.scratch(Timespec.SIZE);
            stop.memory().writeScratch(stop.tid(), scratch, ZERO_TIME);
            stop.setArgument(arg, scratch);
        } else {
            stop.setArgument(arg, 0);
        }
        return Disposition.PASSTHROUGH;
    }

    /** A timeout in milliseconds as nanoseconds; -1 for "forever" (negative). */
    private static long millisTimeout(long arg) {
        int ms = (int) arg;
        return ms < 0 ? -1 : ms * 1_000_000L;
    }

    /** A struct timespec pointer as nanoseconds: -1 for NULL (forever); 0 for an invalid one (the kernel says EINVAL). */
    static long timespecTimeout(SyscallStop stop, long pointer) {
        if (pointer == 0) return -1;
        long t = Timespec.nanosOf(stop.memory().read(stop.tid(), pointer, Timespec.SIZE));
        return t < 0 ? 0 : t;
    }

    private static long timevalTimeout(SyscallStop stop, long pointer) {
        if (pointer == 0) return -1;
        long t = Timeval.nanosOf(stop.memory().read(stop.tid(), pointer, Timeval.SIZE));
        return t < 0 ? 0 : t;
    }

    private static byte[] readAll(SyscallStop stop, long address, int length) {
        byte[] out = new byte[length];
        for (int done = 0; done < length; ) {
            byte[] part = stop.memory().read(stop.tid(), address + done, Math.min(4096, length - done));
            if (part == null || part.length == 0) return null;
            System.arraycopy(part, 0, out, done, part.length);
            done += part.length;
        }
        return out;
    }
}
