package dev.detsim.sandbox.handlers;

import static dev.detsim.abi.Fcntl.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.detsim.sandbox.api.Disposition;
import dev.detsim.sandbox.api.FakeDescriptors;
import dev.detsim.sandbox.api.FakeGuestMemory;
import dev.detsim.sandbox.api.FakeSyscallStop;
import dev.detsim.abi.Errno;
import dev.detsim.sandbox.syscall.Syscall;
import dev.detsim.scheduler.Deadline;
import dev.detsim.scheduler.ProcessId;
import dev.detsim.scheduler.WaitCondition;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/** Blocking file locks tried without waiting on detsim's copy; a taken lock parks the thread. */
class FileLockHandlerTest {
    private static final int TID = FakeSyscallStop.NO_SUCH_TID, PID = 4242, FD = 3;
    private static final long LOCK = 0x1000;
    private static final ProcessId P = ProcessId.of(1);

    private final FakeGuestMemory memory = new FakeGuestMemory();
    private final FakeDescriptors fds = new FakeDescriptors();
    private final FileLockHandler handler = new FileLockHandler();

    private Disposition call(Syscall s, long... args) {
        return handler.onSyscall(FakeSyscallStop.builder(s, args).host(TID, PID).memory(memory).descriptors(fds).build());
    }

    private static byte[] flock(short type, int pid) {
        return ByteBuffer.allocate(FLOCK_SIZE).order(ByteOrder.LITTLE_ENDIAN).putShort(L_TYPE, type).putInt(L_PID, pid).array();
    }

    @Test
    void flockIsTakenOnTheCopyWithLockNb() {
        fds.open(TID, FD, "/tmp/f");
        fds.onCall((s, a) -> 0L);
        assertEquals(Disposition.emulate(0), call(Syscall.FLOCK, FD, LOCK_EX));
        var c = fds.calls().get(0);
        assertEquals(Syscall.FLOCK, c.syscall());
        assertEquals(LOCK_EX | LOCK_NB, c.args()[1]);
        fds.onCall((s, a) -> (long) -Errno.EAGAIN);
        assertEquals(Disposition.block(new WaitCondition.FileLock(P, FD, "flock"), Deadline.NONE), call(Syscall.FLOCK, FD, LOCK_SH));
        fds.onCall((s, a) -> (long) -Errno.EINVAL);
        assertEquals(Disposition.PASSTHROUGH, call(Syscall.FLOCK, FD, LOCK_SH));
        assertEquals(0, fds.openCopies());
    }

    @Test
    void nonBlockingAndUnlockingCallsRunAsTheyAre() {
        fds.open(TID, FD, "/tmp/f");
        assertEquals(Disposition.PASSTHROUGH, call(Syscall.FLOCK, FD, LOCK_EX | LOCK_NB));
        assertEquals(Disposition.PASSTHROUGH, call(Syscall.FLOCK, FD, LOCK_UN));
        assertEquals(Disposition.PASSTHROUGH, call(Syscall.FCNTL, FD, F_SETLK, LOCK));
        memory.put(TID, LOCK, flock(F_UNLCK, 0));
        assertEquals(Disposition.PASSTHROUGH, call(Syscall.FCNTL, FD, F_SETLKW, LOCK));
        assertEquals(Disposition.PASSTHROUGH, call(Syscall.FCNTL, FD, F_OFD_SETLKW, 0x9000), "EFAULT from the kernel");
        assertEquals(Disposition.PASSTHROUGH, call(Syscall.FLOCK, 9, LOCK_EX), "EBADF from the kernel");
        assertTrue(fds.calls().isEmpty());
        // Only the blocking forms stop at all.
        assertEquals(java.util.Set.of(Syscall.FLOCK, Syscall.FCNTL), handler.onlyWhen().keySet());
    }

    @Test
    void ofdLocksAreTakenOnTheCopy() {
        fds.open(TID, FD, "/tmp/f");
        memory.put(TID, LOCK, flock(F_WRLCK, 0));
        fds.onCallWithBuffer((s, fd, cmd, buf) -> cmd == F_OFD_SETLK ? 0 : -Errno.EINVAL);
        assertEquals(Disposition.emulate(0), call(Syscall.FCNTL, FD, F_OFD_SETLKW, LOCK));
        fds.onCallWithBuffer((s, fd, cmd, buf) -> -Errno.EACCES);
        assertEquals(Disposition.block(new WaitCondition.FileLock(P, FD, "ofd"), Deadline.NONE),
                call(Syscall.FCNTL, FD, F_OFD_SETLKW, LOCK));
        assertEquals(0, fds.openCopies());
    }

    @Test
    void posixLocksOnlyAskWhoHoldsAConflictingLock() {
        fds.open(TID, FD, "/tmp/f");
        memory.put(TID, LOCK, flock(F_RDLCK, 0));
        // Nobody's: the program's own call runs, and cannot wait.
        fds.onCallWithBuffer((s, fd, cmd, buf) -> {
            assertEquals(F_GETLK, cmd);
            ByteBuffer.wrap(buf).order(ByteOrder.LITTLE_ENDIAN).putShort(L_TYPE, F_UNLCK);
            return 0;
        });
        assertEquals(Disposition.PASSTHROUGH, call(Syscall.FCNTL, FD, F_SETLKW, LOCK));
        // Another process's: wait.
        fds.onCallWithBuffer((s, fd, cmd, buf) -> {
            ByteBuffer.wrap(buf).order(ByteOrder.LITTLE_ENDIAN).putShort(L_TYPE, F_WRLCK).putInt(L_PID, 777);
            return 0;
        });
        assertEquals(Disposition.block(new WaitCondition.FileLock(P, FD, "posix"), Deadline.NONE),
                call(Syscall.FCNTL, FD, F_SETLKW, LOCK));
        // The caller's own process: POSIX locks do not conflict with their owner's.
        fds.onCallWithBuffer((s, fd, cmd, buf) -> {
            ByteBuffer.wrap(buf).order(ByteOrder.LITTLE_ENDIAN).putShort(L_TYPE, F_WRLCK).putInt(L_PID, PID);
            return 0;
        });
        assertEquals(Disposition.PASSTHROUGH, call(Syscall.FCNTL, FD, F_SETLKW, LOCK));
        assertEquals(flock(F_RDLCK, 0)[0], memory.bytesAt(TID, LOCK, 1)[0], "the program's struct is not rewritten");
        assertTrue(memory.writes().isEmpty());
    }
}
