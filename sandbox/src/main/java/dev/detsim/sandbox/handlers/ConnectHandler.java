package dev.detsim.sandbox.handlers;

import static dev.detsim.abi.Poll.POLLOUT;

import dev.detsim.abi.Errno;
import dev.detsim.abi.OpenFlags;
import dev.detsim.sandbox.syscall.Syscall;
import dev.detsim.sandbox.api.Descriptors;
import dev.detsim.sandbox.api.Disposition;
import dev.detsim.sandbox.api.SyscallHandler;
import dev.detsim.sandbox.api.SyscallStop;
import dev.detsim.scheduler.Deadline;
import dev.detsim.scheduler.WaitCondition;
import dev.detsim.scheduler.WakeUp;
import java.util.EnumSet;
import java.util.Set;

/**
 * A blocking connect(2) never waits in the kernel. detsim connects its pidfd_getfd copy of the socket — the
 * same open file, so the same socket — without waiting, and then:
 * <ul>
 * <li>connected, or failed (ECONNREFUSED, ENOENT, ...): the program's call gets that result;
 * <li>EINPROGRESS (TCP's handshake): the thread waits in detsim until the socket is writable, then the call
 * runs and returns the handshake's outcome at once;
 * <li>EAGAIN (a unix socket whose listener's backlog is full): the thread waits in detsim and tries again
 * after other threads ran (one of them must accept); with nobody left to accept, a deadlock report.
 * </ul>
 * Non-blocking sockets and interrupted waits run the call unchanged.
 */
public final class ConnectHandler implements SyscallHandler {
    private static final int MAX_ADDRESS = 128;

    @Override
    public Set<Syscall> subscriptions() {
        return EnumSet.of(Syscall.CONNECT);
    }

    @Override
    public Disposition onSyscall(SyscallStop stop) {
        WakeUp wake = stop.wakeUp().orElse(null);
        if (wake != null && wake.cause() != WakeUp.Cause.MAY_BE_READY) return Disposition.PASSTHROUGH; // EINTR & co
        if (wake != null && wake.condition() instanceof WaitCondition.Readiness) {
            return Disposition.PASSTHROUGH; // the handshake is over: the kernel returns its outcome at once
        }
        int fd = (int) stop.argument(0);
        long length = stop.argument(2);
        if (length <= 0 || length > MAX_ADDRESS) return Disposition.PASSTHROUGH; // the kernel's EINVAL
        byte[] address = stop.memory().read(stop.tid(), stop.argument(1), (int) length);
        if (address == null || address.length < length) return Disposition.PASSTHROUGH; // EFAULT
        Descriptors d = stop.descriptors();
        int copy = d.copy(stop.tid(), fd);
        if (copy < 0) return Disposition.PASSTHROUGH; // EBADF from the kernel
        long r;
        try {
            long flags = d.statusFlags(copy);
            if (flags < 0 || (flags & OpenFlags.O_NONBLOCK) != 0) return Disposition.PASSTHROUGH; // never waits
            r = d.connectWithoutWaiting(copy, flags, address);
        } finally {
            d.close(copy);
        }
        if (r == -Errno.EINPROGRESS || r == -Errno.EALREADY) {
            return Disposition.block(WaitCondition.Readiness.of(stop.process(), fd, POLLOUT), Deadline.NONE);
        }
        if (r == -Errno.EAGAIN) return Disposition.block(new WaitCondition.Connect(stop.process(), fd), Deadline.NONE);
        return Disposition.emulate(r);
    }
}
