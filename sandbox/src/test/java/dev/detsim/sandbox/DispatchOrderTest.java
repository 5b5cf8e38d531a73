package dev.detsim.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.detsim.sandbox.syscall.Syscall;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Pins the dispatch order of the standard handler chain (Sandbox.handlers) for syscalls that several parts
 * see: reordering the chain changes who may answer first, so it must be a deliberate change of this test
 * (and of docs/SYSCALLS.md, generated from the same listing).
 */
class DispatchOrderTest {
    private static final Map<Syscall, List<String>> ORDER = Sandbox.dispatchOrder();

    @Test
    void theRedirectRewritesAnOpensPathBeforeTheChangeWatcherSeesIt() {
        assertEquals(List.of("OpenRedirectHandler", "FileChangeHandler"), ORDER.get(Syscall.OPENAT));
        assertEquals(List.of("OpenRedirectHandler", "FileChangeHandler"), ORDER.get(Syscall.OPEN));
        assertEquals(List.of("FileChangeHandler"), ORDER.get(Syscall.OPENAT2));
    }

    @Test
    void readsWritesAndFutexes() {
        assertEquals(List.of("FutexHandler"), ORDER.get(Syscall.FUTEX));
        assertEquals(List.of("FutexHandler"), ORDER.get(Syscall.FUTEX_WAITV));
        assertEquals(List.of("BlockingIoHandler"), ORDER.get(Syscall.READ));
        // Where inotify works, data writes are learnt from the watch and only the blocking check stops write;
        // elsewhere the change watcher sees it first.
        boolean writesStop = ORDER.containsKey(Syscall.PWRITE64);
        assertEquals(writesStop ? List.of("FileChangeHandler", "BlockingIoHandler") : List.of("BlockingIoHandler"),
                ORDER.get(Syscall.WRITE));
        assertEquals(writesStop ? List.of("FileChangeHandler", "BlockingIoHandler") : List.of("BlockingIoHandler"),
                ORDER.get(Syscall.WRITEV));
    }

    @Test
    void theStatFamily() {
        for (Syscall s : List.of(Syscall.STAT, Syscall.LSTAT, Syscall.FSTAT, Syscall.NEWFSTATAT, Syscall.STATX)) {
            assertEquals(List.of("StatHandler"), ORDER.get(s), s.kernelName());
        }
        assertEquals(List.of("StatfsHandler"), ORDER.get(Syscall.STATFS));
        assertEquals(List.of("DirectoryHandler"), ORDER.get(Syscall.GETDENTS64));
        assertEquals(List.of("DirectoryHandler"), ORDER.get(Syscall.LSEEK));
    }

    @Test
    void theTracersOwnAndTheConditionalOnes() {
        assertEquals(List.of("tracer"), ORDER.get(Syscall.CLONE));
        assertEquals(List.of("tracer"), ORDER.get(Syscall.EXIT_GROUP));
        assertEquals(List.of("TimeStampCounter (only when arg0 in {25,26})"), ORDER.get(Syscall.PRCTL));
        assertEquals(List.of("FileLockHandler (only when arg1 in {7,38})"), ORDER.get(Syscall.FCNTL));
        assertEquals(List.of("FileLockHandler (only when arg1 in {1,2})"), ORDER.get(Syscall.FLOCK));
    }

    @Test
    void callsNobodySubscribesToAreAbsent() {
        assertNull(ORDER.get(Syscall.GETPID));
        assertNull(ORDER.get(Syscall.IO_URING_ENTER));
        assertEquals(List.of("RefusedCalls"), ORDER.get(Syscall.IO_URING_SETUP));
        assertFalse(ORDER.values().stream().anyMatch(List::isEmpty));
    }
}
