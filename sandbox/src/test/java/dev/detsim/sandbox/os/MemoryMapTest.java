package dev.detsim.sandbox.os;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
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

    @Test
    void fieldsSplitAsTheRegexDid() {
        List<String> lines = new ArrayList<>(List.of("",
                "7ffff7fc1000-7ffff7fc5000 r--p 00000000 00:00 0                          [vvar]",
                "555555554000-555555556000 r--p 00000000 fd:01 1234   /usr/bin/with two  spaces",
                "7ffd0000-7ffe0000 rw-p 00000000 00:00 0",
                "7ffd0000-7ffe0000 rw-p 00000000 00:00 0 ",
                "a-b\tr-xp\t0 1:2\t\t3\tname\twith\ttabs", "short line", "one"));
        lines.addAll(List.of(new String(ProcFiles.read("/proc/self/maps"), StandardCharsets.UTF_8).split("\n")));
        for (String line : lines) {
            String trimmed = line.trim();
            assertArrayEquals(trimmed.split("\\s+", 6), MemoryMap.fields(trimmed), line);
        }
    }
}
