package dev.detsim.sandbox.os;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.detsim.abi.Errno;
import dev.detsim.abi.Wait;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Real libc calls on this machine through the FFM bindings; failures come back as -errno. */
class PosixTest {
    /** Above PID_MAX_LIMIT (4194304 on 64-bit), so never a live process. */
    static final int NO_SUCH_PID = 0x3fffffff;

    private final Posix posix = Posix.forCurrentThread();

    @Test
    void getpidIsThisJvm() {
        assertEquals(ProcessHandle.current().pid(), Posix.getpid());
    }

    @Test
    void kill() {
        assertEquals(0, posix.kill(Posix.getpid(), 0));
        assertEquals(-Errno.ESRCH, posix.kill(NO_SUCH_PID, 0));
        assertEquals(-Errno.EINVAL, posix.kill(Posix.getpid(), 1000), "an invalid signal number");
    }

    @Test
    void tgkill() {
        int pid = Posix.getpid();
        assertEquals(0, posix.tgkill(pid, pid, 0), "the main thread's tid is the pid");
        assertEquals(-Errno.ESRCH, posix.tgkill(pid, NO_SUCH_PID, 0));
    }

    @Test
    void closeAndReadOfABadDescriptor() {
        assertEquals(-Errno.EBADF, posix.close(-1));
        assertEquals(-Errno.EBADF, posix.close(1 << 30));
        try (Arena arena = Arena.ofConfined()) {
            assertEquals(-Errno.EBADF, posix.read(-1, arena.allocate(8), 8));
        }
    }

    @Test
    void waitpidForANonChild() {
        // a specific pid, never -1: the JVM's process reaper must keep its own children
        assertEquals(-Errno.ECHILD, posix.waitpid(NO_SUCH_PID, Wait.WNOHANG));
    }

    @Test
    void schedGetaffinity() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment mask = arena.allocate(Posix.CPU_SET_BYTES, 8);
            mask.fill((byte) 0);
            assertEquals(0, posix.schedGetaffinity(0, mask), "glibc's wrapper returns 0, not the kernel's size");
            int bits = 0;
            for (byte b : mask.toArray(JAVA_BYTE)) bits += Integer.bitCount(b & 0xff);
            assertTrue(bits >= 1, "no CPU allowed");

            assertEquals(0, posix.schedGetaffinity(Posix.getpid(), mask));
            assertEquals(-Errno.ESRCH, posix.schedGetaffinity(NO_SUCH_PID, mask));
            assertEquals(-Errno.EINVAL, posix.schedGetaffinity(0, arena.allocate(1)),
                    "a mask smaller than the kernel's cpumask");
        }
    }

    @Test
    void schedSetaffinityToTheCurrentMaskOnAnOwnThread() throws Exception {
        // Set the mask of a throw-away thread to what it already is: exercises the call without pinning.
        Thread t = Thread.ofPlatform().start(() -> {
            Posix p = Posix.forCurrentThread();
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment mask = arena.allocate(Posix.CPU_SET_BYTES, 8);
                assertEquals(0, p.schedGetaffinity(0, mask));
                assertEquals(0, p.schedSetaffinity(0, mask));
                assertEquals(-Errno.EINVAL, p.schedSetaffinity(0, arena.allocate(Posix.CPU_SET_BYTES, 8)),
                        "an empty mask");
            }
        });
        t.join();
    }

    @Test
    void readMemoryOfThisProcess() {
        try (Arena arena = Arena.ofConfined()) {
            byte[] data = new byte[300];
            for (int i = 0; i < data.length; i++) data[i] = (byte) (i * 7 + 3);
            MemorySegment src = arena.allocate(data.length);
            src.copyFrom(MemorySegment.ofArray(data));
            MemorySegment dst = arena.allocate(data.length);
            dst.fill((byte) 0);
            assertEquals(data.length, posix.readMemory(Posix.getpid(), src.address(), dst, data.length));
            assertArrayEquals(data, dst.toArray(JAVA_BYTE));

            assertEquals(-Errno.EFAULT, posix.readMemory(Posix.getpid(), 0, dst, 16));
            assertEquals(-Errno.ESRCH, posix.readMemory(NO_SUCH_PID, src.address(), dst, 16));
        }
    }

    @Test
    void writeMemoryOfThisProcess() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment src = arena.allocateFrom("detsim writes here");
            MemorySegment dst = arena.allocate(src.byteSize());
            dst.fill((byte) '#');
            assertEquals(src.byteSize(), posix.writeMemory(Posix.getpid(), dst.address(), src, src.byteSize()));
            assertEquals("detsim writes here", dst.getString(0));
            assertEquals(-Errno.EFAULT, posix.writeMemory(Posix.getpid(), 0, src, 8));
        }
    }

    @Test
    void ptraceOfAnUntracedProcessIsEsrch() {
        assertEquals(-Errno.ESRCH, posix.ptrace(Ptrace.PTRACE_CONT, Posix.getpid(), 0, 0));
        assertEquals(-Errno.ESRCH, posix.ptrace(Ptrace.PTRACE_CONT, NO_SUCH_PID, 0, 0));
    }

    @Test
    void oneInstancePerThread() throws Exception {
        assertSame(Posix.forCurrentThread(), Posix.forCurrentThread());
        Posix[] other = new Posix[2];
        Thread t = Thread.ofPlatform().start(() -> {
            other[0] = Posix.forCurrentThread();
            other[1] = Posix.forCurrentThread();
        });
        t.join();
        assertSame(other[0], other[1], "the same within a thread");
        assertNotSame(Posix.forCurrentThread(), other[0], "different across threads");
    }

    @Test
    void errnoIsCapturedPerThread() throws Exception {
        // Two threads fail with different errnos at the same time: each must see its own.
        int rounds = 20_000;
        CyclicBarrier start = new CyclicBarrier(2);
        try (ExecutorService pool = Executors.newFixedThreadPool(2)) {
            List<Future<Integer>> results = new ArrayList<>();
            results.add(pool.submit(() -> {
                Posix p = Posix.forCurrentThread();
                start.await(10, TimeUnit.SECONDS);
                int wrong = 0;
                for (int i = 0; i < rounds; i++) if (p.close(-1) != -Errno.EBADF) wrong++;
                return wrong;
            }));
            results.add(pool.submit(() -> {
                Posix p = Posix.forCurrentThread();
                start.await(10, TimeUnit.SECONDS);
                int wrong = 0;
                for (int i = 0; i < rounds; i++) if (p.kill(NO_SUCH_PID, 0) != -Errno.ESRCH) wrong++;
                return wrong;
            }));
            for (Future<Integer> f : results) assertEquals(0, f.get(60, TimeUnit.SECONDS), "calls that saw another errno");
        }
    }
}
