package dev.detsim.sandbox.tracer.clock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.detsim.sandbox.arch.Arch;
import dev.detsim.sandbox.arch.VdsoStubs;
import dev.detsim.sandbox.syscall.Syscall;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** The vDSO this kernel gives every process (this JVM's own): detsim finds its functions and its stubs fit them. */
class VdsoClockTest {
    private static byte[] ownVdso() throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/maps"))) {
            if (!line.endsWith("[vdso]")) continue;
            String[] r = line.substring(0, line.indexOf(' ')).split("-");
            long lo = Long.parseUnsignedLong(r[0], 16), hi = Long.parseUnsignedLong(r[1], 16);
            try (RandomAccessFile mem = new RandomAccessFile("/proc/self/mem", "r")) {
                byte[] image = new byte[(int) (hi - lo)];
                mem.seek(lo);
                mem.readFully(image);
                return image;
            }
        }
        return null;
    }

    @Test
    void theTimeFunctionsAreFoundAndEveryStubFitsItsFunction() throws Exception {
        Arch arch = Arch.current();
        var stubs = VdsoStubs.forArch(arch);
        Assumptions.assumeTrue(stubs.isPresent(), "no vDSO stubs for " + arch.name() + ": detsim hides the vDSO there");
        byte[] image = ownVdso();
        assertNotNull(image, "this process has no [vdso] mapping");
        Map<String, long[]> symbols = VdsoClock.functionSymbols(image);
        for (String name : java.util.List.of("__vdso_clock_gettime", "__vdso_gettimeofday", "__vdso_time", "__vdso_getcpu")) {
            assertTrue(symbols.containsKey(name), name + " not among " + symbols.keySet());
        }
        for (var e : stubs.get().forPage(0x7fff_f7fc_1000L).entrySet()) {
            long[] sym = symbols.get(e.getKey());
            if (sym == null) continue; // getrandom exists from Linux 6.11 only
            assertTrue(e.getValue().length <= sym[1], e.getKey() + ": stub of " + e.getValue().length
                    + " bytes, function of " + sym[1]);
        }
        byte[] trap = stubs.get().syscallThenTrap(Syscall.MMAP);
        assertEquals((byte) 0xcc, trap[trap.length - 1], "the injected syscall ends in int3");
        assertTrue(trap.length <= symbols.get("__vdso_clock_gettime")[1]);
    }

    @Test
    void aFileThatIsNotElfHasNoSymbols() {
        assertTrue(VdsoClock.functionSymbols(new byte[100]).isEmpty());
        assertTrue(VdsoClock.functionSymbols(new byte[3]).isEmpty());
    }
}
