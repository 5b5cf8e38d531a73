package dev.detsim.sandbox.tracer.preemption;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Which counter detsim preempts by on which CPU (rr's table), and the probe kind. */
class TickSourceTest {
    @Test
    void intelCountsConditionalBranchesWithTheEncodingOfItsGeneration() {
        TickSource skylake = TickSource.retiredBranches("GenuineIntel", 6, 0x5e);
        assertEquals(0x5101c4, skylake.config());
        assertEquals(4, skylake.type(), "PERF_TYPE_RAW");
        assertEquals(125, skylake.skid());
        assertEquals(0x5111c4, TickSource.retiredBranches("GenuineIntel", 6, 0x7e).config(), "Ice Lake");
        assertEquals(0x5111c4, TickSource.retiredBranches("GenuineIntel", 6, 0xb7).config(), "Raptor Lake");
    }

    @Test
    void amdZenCountsConditionalBranchesWithALargeSkid() {
        TickSource zen = TickSource.retiredBranches("AuthenticAMD", 0x19, 0x01);
        assertEquals(0x5100d1, zen.config());
        assertEquals(10_000, zen.skid());
        assertTrue(zen.hardware());
    }

    @Test
    void elsewhereTheGenericBranchEvent() {
        TickSource other = TickSource.retiredBranches("AuthenticAMD", 0x15, 0x02); // pre-Zen
        assertEquals(0, other.type(), "PERF_TYPE_HARDWARE");
        assertEquals(4, other.config(), "PERF_COUNT_HW_BRANCH_INSTRUCTIONS");
        assertEquals(TickSource.BRANCH_QUANTUM, other.quantum());
    }

    @Test
    void aProbeCountsHitsOfOneInstructionWithASmallSkid() {
        TickSource probe = TickSource.probe(Path.of("/bin/true"), 0x1234);
        assertEquals("hits of /bin/true+0x1234", probe.description());
        assertEquals(TickSource.PROBE_QUANTUM, probe.quantum());
        assertTrue(probe.skid() > 0 && probe.skid() < probe.quantum(), "some single steps before every boundary");
        assertTrue(!probe.hardware());
    }

    @Test
    void aProbeOnAnOffsetOutsideTheFileIsRefusedByTheKernel() {
        assertEquals(0, TickSource.probe(Path.of("/bin/true"), 0).check(), "offset 0 of an ELF file can be probed");
        assertTrue(TickSource.probe(Path.of("/bin/true"), 0x7fffffffL).check() != 0);
    }
}
