package dev.detsim.sandbox.os;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

/** /proc/self/maps of this JVM, read through MemoryMap. */
class MemoryMapTest {
    @Test
    void findsTheMappingOfACodeAddressAndItsFile() {
        MemorySegment getpid = Linker.nativeLinker().defaultLookup().find("getpid").orElseThrow();
        MemoryMap.Mapping m = MemoryMap.at(Posix.getpid(), getpid.address());
        assertNotNull(m, "libc's getpid is mapped");
        assertTrue(m.name().contains("libc"), m.toString());
        assertTrue(m.executable() && !m.shared(), m.toString());
        assertTrue(m.contains(getpid.address()) && !m.contains(m.end()), m.toString());
    }

    @Test
    void namedMappingsAndSharedOnes() {
        assertNotNull(MemoryMap.named(Posix.getpid(), "[vdso]"));
        assertNull(MemoryMap.named(Posix.getpid(), "[no such mapping]"));
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment heap = arena.allocate(64);
            MemoryMap.Mapping anon = MemoryMap.at(Posix.getpid(), heap.address());
            assertNotNull(anon);
            assertTrue(!anon.shared() && !anon.executable(), anon.toString());
        }
    }

    @Test
    void aProcessThatIsGoneHasNoMappings() {
        assertEquals(0, MemoryMap.of(Integer.MAX_VALUE).size());
        assertNull(MemoryMap.at(Integer.MAX_VALUE, 0x1000));
    }
}
