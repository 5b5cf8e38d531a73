package dev.detsim.sandbox.handlers;

import static dev.detsim.abi.Fcntl.*;

import dev.detsim.abi.Errno;
import dev.detsim.sandbox.syscall.SeccompFilter;
import dev.detsim.sandbox.syscall.Syscall;
import dev.detsim.sandbox.api.Descriptors;
import dev.detsim.sandbox.api.Disposition;
import dev.detsim.sandbox.api.SyscallHandler;
import dev.detsim.sandbox.api.SyscallStop;
import dev.detsim.scheduler.Deadline;
import dev.detsim.scheduler.WaitCondition;
import dev.detsim.scheduler.WakeUp;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.EnumSet;
import java.util.Set;

/**
 * Blocking file locks — flock without LOCK_NB, fcntl F_SETLKW and F_OFD_SETLKW — never wait in the kernel,
 * where the one running thread would stall the run. detsim tries the lock without waiting first:
 * <ul>
 * <li>flock and OFD locks belong to the open file description, which a pidfd_getfd copy shares, so detsim
 * takes the lock on its copy (LOCK_NB, F_OFD_SETLK) and the program's call is answered 0: the program holds it;
 * <li>POSIX record locks belong to the process, so detsim only asks (F_GETLK on its copy) whether another
 * process holds a conflicting lock; if none does the program's own call runs and does not wait.
 * </ul>
 * If the lock is taken, the thread waits on a {@link WaitCondition.FileLock}, which the tracer retries once
 * other threads have run; an interrupted wait runs the call with the signal pending (EINTR or a restart).
 */
public final class FileLockHandler implements SyscallHandler {
    @Override
    public Set<Syscall> subscriptions() {
        return EnumSet.of(Syscall.FLOCK, Syscall.FCNTL);
    }

    /** Only the blocking forms stop: flock(LOCK_SH or LOCK_EX without LOCK_NB), fcntl F_SETLKW and F_OFD_SETLKW. */
    @Override
    public java.util.Map<Syscall, SeccompFilter.ArgumentFilter> onlyWhen() {
        return java.util.Map.of(Syscall.FLOCK, new SeccompFilter.ArgumentFilter(1, Set.of(LOCK_SH, LOCK_EX)),
                Syscall.FCNTL, new SeccompFilter.ArgumentFilter(1, Set.of(F_SETLKW, F_OFD_SETLKW)));
    }

    @Override
    public Disposition onSyscall(SyscallStop stop) {
        WakeUp wake = stop.wakeUp().orElse(null);
        if (wake != null && wake.cause() == WakeUp.Cause.INTERRUPTED) return Disposition.PASSTHROUGH;
        int fd = (int) stop.argument(0);
        if (stop.syscall() == Syscall.FLOCK) {
            int op = (int) stop.argument(1);
            if ((op & (LOCK_NB | LOCK_UN)) != 0) return Disposition.PASSTHROUGH;
            return flock(stop, fd, op);
        }
        int cmd = (int) stop.argument(1);
        if (cmd != F_SETLKW && cmd != F_OFD_SETLKW) return Disposition.PASSTHROUGH;
        byte[] lock = stop.memory().read(stop.tid(), stop.argument(2), FLOCK_SIZE);
        if (lock == null || lock.length < FLOCK_SIZE) return Disposition.PASSTHROUGH; // the kernel's EFAULT
        if (ByteBuffer.wrap(lock).order(ByteOrder.LITTLE_ENDIAN).getShort(L_TYPE) == F_UNLCK) return Disposition.PASSTHROUGH;
        return cmd == F_OFD_SETLKW ? ofdLock(stop, fd, lock) : posixLock(stop, fd, lock);
    }

    private static Disposition flock(SyscallStop stop, int fd, int op) {
        return withCopy(stop, fd, (d, copy) -> {
            long r = d.call(Syscall.FLOCK, copy, op | LOCK_NB);
            if (r == 0) return Disposition.emulate(0); // the copy shares the open file: the program holds it now
            if (r == -Errno.EAGAIN) return wait(stop, fd, "flock");
            return Disposition.PASSTHROUGH; // EINVAL and the like: the kernel says so
        });
    }

    private static Disposition ofdLock(SyscallStop stop, int fd, byte[] lock) {
        return withCopy(stop, fd, (d, copy) -> {
            long r = d.callWithBuffer(Syscall.FCNTL, copy, F_OFD_SETLK, lock);
            if (r == 0) return Disposition.emulate(0);
            if (r == -Errno.EAGAIN || r == -Errno.EACCES) return wait(stop, fd, "ofd");
            return Disposition.PASSTHROUGH;
        });
    }

    /** A process-owned lock: free unless a lock of another process conflicts (F_GETLK names its owner). */
    private static Disposition posixLock(SyscallStop stop, int fd, byte[] lock) {
        return withCopy(stop, fd, (d, copy) -> {
            byte[] probe = lock.clone();
            if (d.callWithBuffer(Syscall.FCNTL, copy, F_GETLK, probe) < 0) return Disposition.PASSTHROUGH;
            ByteBuffer b = ByteBuffer.wrap(probe).order(ByteOrder.LITTLE_ENDIAN);
            boolean free = b.getShort(L_TYPE) == F_UNLCK || b.getInt(L_PID) == stop.pid();
            return free ? Disposition.PASSTHROUGH : wait(stop, fd, "posix");
        });
    }

    /** body on a copy of the thread's fd (closed after); the call runs unchanged if there is no such fd. */
    private static Disposition withCopy(SyscallStop stop, int fd, java.util.function.BiFunction<Descriptors, Integer, Disposition> body) {
        Descriptors d = stop.descriptors();
        int copy = d.copy(stop.tid(), fd);
        if (copy < 0) return Disposition.PASSTHROUGH; // EBADF from the kernel
        try {
            return body.apply(d, copy);
        } finally {
            d.close(copy);
        }
    }

    private static Disposition wait(SyscallStop stop, int fd, String kind) {
        return Disposition.block(new WaitCondition.FileLock(stop.process(), fd, kind), Deadline.NONE);
    }
}
