package dev.detsim.sandbox.tracer;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;


import dev.detsim.sandbox.os.Posix;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** PtraceMemory with this JVM as the "tracee": process_vm_readv of our own pid reads what the test wrote. */
class PtraceMemoryTest {
    private static final long PAGE = 4096;
    private Arena arena;
    private PtraceMemory memory;
    private int self;

    @BeforeEach
    void setUp() {
        arena = Arena.ofConfined();
        memory = new PtraceMemory(Posix.forCurrentThread(), arena, new MemoryWrites());
        self = Posix.getpid();
    }

    @AfterEach
    void tearDown() {
        arena.close();
    }

    @Test
    void readsBytesStringsAndWords() {
        MemorySegment s = arena.allocateFrom("abc");
        assertEquals("abc", memory.readCString(self, s.address(), 64));
        assertEquals("ab", memory.readCString(self, s.address(), 2), "at most max bytes");
        MemorySegment w = arena.allocate(JAVA_LONG);
        w.set(JAVA_LONG, 0, 0x1122334455667788L);
        assertEquals(0x1122334455667788L, memory.readWord(self, w.address()));
        assertArrayEquals(new byte[] {(byte) 0x88, 0x77}, memory.read(self, w.address(), 2), "little-endian bytes");
    }

    @Test
    void unreadableAddressesGiveNull() {
        assertNull(memory.read(self, 0, 8));
        assertNull(memory.readWord(self, 8));
        assertNull(memory.readCString(self, 16, 8));
        assertNull(memory.read(self, 8, 1));
    }

    @Test
    void readsUpToTheEndOfAMapping() {
        // Two anonymous pages with the second unmapped: a read crossing into it yields the first page's tail.
        long first = mmapPageFollowedByAHole();
        long addr = first + PAGE - 3;
        MemorySegment.ofAddress(addr).reinterpret(3).copyFrom(MemorySegment.ofArray(new byte[] {'x', 'y', 'z'}));
        assertArrayEquals(new byte[] {'x', 'y', 'z'}, memory.read(self, addr, 64));
        assertEquals("xyz", memory.readCString(self, addr, 64));
        assertNull(memory.readWord(self, first + PAGE - 4), "a word that does not fit is unreadable");
        assertNull(memory.read(self, first + PAGE, 8), "the hole itself");
    }

    @Test
    void readsAreCappedAtOnePage() {
        MemorySegment big = arena.allocate(3 * PAGE, 8);
        big.fill((byte) 'q');
        assertEquals((int) PAGE, memory.read(self, big.address(), 10_000).length);
    }

    /** The address of a mapped page whose next page is unmapped (the page is left mapped: 4 KiB). */
    private static long mmapPageFollowedByAHole() {
        Linker linker = Linker.nativeLinker();
        MethodHandle mmap = linker.downcallHandle(linker.defaultLookup().find("mmap").orElseThrow(),
                FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG));
        MethodHandle munmap = linker.downcallHandle(linker.defaultLookup().find("munmap").orElseThrow(),
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG));
        try {
            int protReadWrite = 3, mapPrivateAnonymous = 0x22;
            MemorySegment m = (MemorySegment) mmap.invokeExact(MemorySegment.NULL, 2 * PAGE, protReadWrite,
                    mapPrivateAnonymous, -1, 0L);
            assertEquals(0, (int) munmap.invokeExact(MemorySegment.ofAddress(m.address() + PAGE), PAGE));
            return m.address();
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }
}
