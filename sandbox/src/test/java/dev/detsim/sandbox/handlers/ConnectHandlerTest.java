package dev.detsim.sandbox.handlers;

import static dev.detsim.abi.Errno.ECONNREFUSED;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.detsim.abi.OpenFlags;
import dev.detsim.abi.Poll;
import dev.detsim.sandbox.api.Disposition;
import dev.detsim.sandbox.api.FakeDescriptors;
import dev.detsim.sandbox.api.FakeGuestMemory;
import dev.detsim.sandbox.api.FakeSyscallStop;
import dev.detsim.abi.Errno;
import dev.detsim.sandbox.syscall.Syscall;
import dev.detsim.scheduler.Deadline;
import dev.detsim.scheduler.ProcessId;
import dev.detsim.scheduler.WaitCondition;
import dev.detsim.scheduler.WakeUp;
import org.junit.jupiter.api.Test;

/** A blocking connect made without waiting on detsim's copy, and what the program's call then does. */
class ConnectHandlerTest {
    private static final int TID = FakeSyscallStop.NO_SUCH_TID, FD = 5;
    private static final long ADDR = 0x1000;
    private static final ProcessId P = ProcessId.of(1);
    private static final byte[] SOCKADDR = {1, 0, '/', 't', 'm', 'p', '/', 's', 0};

    private final FakeGuestMemory memory = new FakeGuestMemory().put(TID, ADDR, SOCKADDR);
    private final FakeDescriptors fds = new FakeDescriptors();
    private final ConnectHandler handler = new ConnectHandler();

    private FakeSyscallStop.Builder stop(long... args) {
        return FakeSyscallStop.builder(Syscall.CONNECT, args).memory(memory).descriptors(fds);
    }

    private Disposition connect() {
        return handler.onSyscall(stop(FD, ADDR, SOCKADDR.length).build());
    }

    @Test
    void theCopysResultIsTheProgramsAndTheCopyIsClosed() {
        fds.open(TID, FD, "socket:[1]").statusFlags = 02; // O_RDWR
        fds.connectAnswer(0);
        assertEquals(Disposition.emulate(0), connect());
        assertEquals(02, fds.connectFlags(), "the open file's own flags, to restore after");
        assertArrayEquals(SOCKADDR, fds.calls().get(0).buffer());
        fds.connectAnswer(-ECONNREFUSED);
        assertEquals(Disposition.fail(ECONNREFUSED), connect());
        assertEquals(0, fds.openCopies());
    }

    @Test
    void aHandshakeInProgressWaitsForWritabilityAndAFullBacklogForProgress() {
        fds.open(TID, FD, "socket:[1]");
        fds.connectAnswer(-Errno.EINPROGRESS);
        assertEquals(Disposition.block(WaitCondition.Readiness.of(P, FD, Poll.POLLOUT), Deadline.NONE), connect());
        fds.connectAnswer(-Errno.EAGAIN);
        assertEquals(Disposition.block(new WaitCondition.Connect(P, FD), Deadline.NONE), connect());
        assertEquals(0, fds.openCopies());
        // After the handshake the program's call runs and returns its outcome at once.
        WakeUp writable = new WakeUp(WaitCondition.Readiness.of(P, FD, Poll.POLLOUT), WakeUp.Cause.MAY_BE_READY,
                Deadline.NONE);
        int calls = fds.calls().size();
        assertEquals(Disposition.PASSTHROUGH, handler.onSyscall(stop(FD, ADDR, SOCKADDR.length).wakeUp(writable).build()));
        assertEquals(calls, fds.calls().size());
        // A full backlog is tried again.
        WakeUp retry = new WakeUp(new WaitCondition.Connect(P, FD), WakeUp.Cause.MAY_BE_READY, Deadline.NONE);
        fds.connectAnswer(0);
        assertEquals(Disposition.emulate(0), handler.onSyscall(stop(FD, ADDR, SOCKADDR.length).wakeUp(retry).build()));
        WakeUp interrupted = new WakeUp(new WaitCondition.Connect(P, FD), WakeUp.Cause.INTERRUPTED, Deadline.NONE);
        assertEquals(Disposition.PASSTHROUGH, handler.onSyscall(stop(FD, ADDR, SOCKADDR.length).wakeUp(interrupted).build()));
    }

    @Test
    void whatTheKernelWouldRefuseOrNeverWaitForRunsUnchanged() {
        fds.open(TID, FD, "socket:[1]").statusFlags = OpenFlags.O_NONBLOCK;
        fds.connectAnswer(0);
        assertEquals(Disposition.PASSTHROUGH, connect(), "non-blocking: never waits");
        assertEquals(Disposition.PASSTHROUGH, handler.onSyscall(stop(6, ADDR, SOCKADDR.length).build()), "EBADF");
        assertEquals(Disposition.PASSTHROUGH, handler.onSyscall(stop(FD, ADDR, 0).build()), "EINVAL");
        assertEquals(Disposition.PASSTHROUGH, handler.onSyscall(stop(FD, ADDR, 129).build()), "EINVAL");
        assertEquals(Disposition.PASSTHROUGH, handler.onSyscall(stop(FD, ADDR, 100).build()), "EFAULT: memory ends");
        assertEquals(Disposition.PASSTHROUGH, handler.onSyscall(stop(FD, 0x9000, 16).build()), "EFAULT");
        assertTrue(fds.calls().isEmpty());
        assertEquals(0, fds.openCopies());
    }
}
