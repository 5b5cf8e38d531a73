package dev.detsim.sandbox.handlers;

import dev.detsim.sandbox.api.Disposition;
import dev.detsim.sandbox.api.SyscallHandler;
import dev.detsim.sandbox.api.SyscallStop;
import dev.detsim.abi.Errno;
import dev.detsim.sandbox.syscall.Syscall;
import java.io.PrintStream;
import java.util.EnumSet;
import java.util.Set;

/**
 * Calls detsim cannot make deterministic and refuses with ENOSYS, as a kernel built without them would, so that
 * programs take the fallback they have for such kernels — rather than hang or leak. Each is reported once.
 *
 * <p>io_uring: requests submitted to the ring complete in the kernel's own threads, at the disk's pace, and
 * io_uring_enter waits for them in the kernel (MariaDB 10.11 hung under detsim: 5,829 watchdog preemptions in
 * 10 minutes). MariaDB, liburing's users and Go's and Rust's runtimes fall back to other I/O when setup says
 * ENOSYS; rr and container runtimes' default seccomp profiles refuse it the same way. io_uring_enter and
 * io_uring_register need a ring, so without setup they can only fail (EBADF), and run as they are.
 */
public final class RefusedCalls implements SyscallHandler {
    private final PrintStream warnings;
    private final Set<Syscall> reported = EnumSet.noneOf(Syscall.class);

    public RefusedCalls(PrintStream warnings) {
        this.warnings = warnings;
    }

    @Override
    public Set<Syscall> subscriptions() {
        return EnumSet.of(Syscall.IO_URING_SETUP);
    }

    @Override
    public Disposition onSyscall(SyscallStop stop) {
        if (reported.add(stop.syscall())) {
            warnings.println("detsim: warning: " + stop.syscall().kernelName() + " is refused with ENOSYS (its requests"
                    + " would complete at the disk's pace, outside detsim's schedule); the program may fall back");
        }
        return Disposition.fail(Errno.ENOSYS);
    }
}
