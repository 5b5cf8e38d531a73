package dev.detsim.sandbox.tracer.preemption;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.detsim.sandbox.syscall.Syscall;
import dev.detsim.sandbox.tracer.preemption.BlockedCall.FileKind;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which blocked calls the watchdog may preempt: only those another traced thread may have to end. */
class BlockedCallTest {
    /** Descriptors 3.. and paths (by pointer value) of given kinds; anything else is missing. */
    private record Files(Map<Integer, FileKind> fds, Map<Long, FileKind> paths) implements BlockedCall.Files {
        @Override
        public FileKind ofDescriptor(int fd) {
            return fds.getOrDefault(fd, FileKind.MISSING);
        }

        @Override
        public FileKind ofPath(int dirfd, long path) {
            return paths.getOrDefault(path, FileKind.MISSING);
        }

        @Override
        public long word(long address) { // clone_args: at 0x4000 a vfork's flags, at 0x5000 a thread's
            return address == 0x4000 ? BlockedCall.CLONE_VFORK | 0x100 : address == 0x5000 ? 0x3d0f00 : -1;
        }
    }

    private static final Files FILES = new Files(
            Map.of(3, FileKind.REGULAR, 4, FileKind.FIFO, 5, FileKind.SOCKET, 6, FileKind.DIRECTORY,
                    7, FileKind.CHAR_DEVICE, 8, FileKind.BLOCK_DEVICE, 9, FileKind.MEMORY_DEVICE),
            Map.of(0x1000L, FileKind.REGULAR, 0x2000L, FileKind.FIFO, 0x3000L, FileKind.CHAR_DEVICE));

    private static boolean mayWait(Syscall s, long... args) {
        long[] six = new long[6];
        System.arraycopy(args, 0, six, 0, args.length);
        return BlockedCall.mayWaitForOthers(s, six, FILES);
    }

    @Test
    void callsOnFilesOnDiskNeedNoOtherThread() {
        for (Syscall s : new Syscall[] {Syscall.READ, Syscall.WRITE, Syscall.PWRITE64, Syscall.FSYNC,
                Syscall.FDATASYNC, Syscall.FTRUNCATE, Syscall.FALLOCATE, Syscall.CLOSE}) {
            assertFalse(mayWait(s, 3), s + " on a regular file");
        }
        assertFalse(mayWait(Syscall.GETDENTS64, 6), "a directory");
        assertFalse(mayWait(Syscall.READ, 8), "a block device");
        assertFalse(mayWait(Syscall.READ, 9), "/dev/zero and kin: the kernel's work");
        assertFalse(mayWait(Syscall.WRITE, 9), "/dev/null");
        assertFalse(mayWait(Syscall.COPY_FILE_RANGE, 3, 0, 3), "regular to regular");
        assertFalse(mayWait(Syscall.SENDFILE, 3, 3), "regular to regular");
    }

    @Test
    void callsOnPipesSocketsAndTerminalsMayWaitForAnotherThread() {
        assertTrue(mayWait(Syscall.READ, 4), "a pipe's writer may be a traced thread");
        assertTrue(mayWait(Syscall.WRITE, 5), "a socket's peer may be a traced thread");
        assertTrue(mayWait(Syscall.READ, 7), "a terminal");
        assertTrue(mayWait(Syscall.CLOSE, 5), "a lingering socket");
        assertTrue(mayWait(Syscall.READ, 99), "a descriptor it cannot see");
        assertTrue(mayWait(Syscall.SENDFILE, 5, 3), "regular to a socket");
        assertTrue(mayWait(Syscall.COPY_FILE_RANGE, 3, 0, 4), "regular to a pipe");
    }

    @Test
    void pathCallsAndMemoryNeedNoOtherThread() {
        for (Syscall s : new Syscall[] {Syscall.NEWFSTATAT, Syscall.STATX, Syscall.MKDIRAT, Syscall.UNLINKAT,
                Syscall.RENAMEAT2, Syscall.SYNC, Syscall.MMAP, Syscall.MSYNC, Syscall.EXECVE}) {
            assertFalse(mayWait(s, -100, 0x1000), s.name());
        }
        assertFalse(mayWait(null), "blocked outside a syscall: a page fault");
    }

    @Test
    void makingAThreadOrProcessWaitsForNoOneButAVforkWaitsForItsChild() {
        assertFalse(mayWait(Syscall.CLONE, 0x3d0f00), "pthread_create's flags");
        assertFalse(mayWait(Syscall.FORK));
        assertFalse(mayWait(Syscall.CLONE3, 0x5000), "clone3 of a thread");
        assertTrue(mayWait(Syscall.CLONE, BlockedCall.CLONE_VFORK | 0x100 | 17), "posix_spawn's vfork");
        assertTrue(mayWait(Syscall.CLONE3, 0x4000), "clone3 with CLONE_VFORK");
        assertTrue(mayWait(Syscall.CLONE3, 0x6000), "unreadable clone_args");
        assertTrue(mayWait(Syscall.VFORK));
    }

    @Test
    void openingAFifoOrATerminalMayWaitAFileDoesNot() {
        assertFalse(mayWait(Syscall.OPENAT, -100, 0x1000), "a regular file");
        assertFalse(mayWait(Syscall.OPENAT, -100, 0x9000), "a file it creates");
        assertFalse(mayWait(Syscall.OPEN, 0x1000), "open(2) takes the path first");
        assertTrue(mayWait(Syscall.OPENAT, -100, 0x2000), "a FIFO waits for its other end");
        assertTrue(mayWait(Syscall.OPENAT2, -100, 0x3000), "a terminal");
        assertTrue(mayWait(Syscall.OPEN, 0x2000), "a FIFO");
    }

    @Test
    void everythingElseMayWait() {
        for (Syscall s : new Syscall[] {Syscall.FUTEX, Syscall.WAIT4, Syscall.PPOLL, Syscall.MSGRCV, Syscall.SEMOP,
                Syscall.FLOCK, Syscall.SPLICE, Syscall.NANOSLEEP}) {
            assertTrue(mayWait(s, 3), s.name());
        }
    }
}
