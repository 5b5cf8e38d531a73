package dev.detsim.sandbox.tracer.preemption;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class SpinSitesTest {
    private static final String JAVA = "/usr/lib/jvm/java-17-openjdk-amd64/bin/java";

    @Test
    void aSiteReadsBackAsWritten() {
        SpinSite all = SpinSite.parse("/bin/x@0x401000"), mine = SpinSite.parse(JAVA + "@0x7fffe0950102/15");
        assertEquals(new SpinSite("/bin/x", 0, 0x401000), all);
        assertEquals(new SpinSite(JAVA, 15, 0x7fffe0950102L), mine);
        assertEquals("/bin/x@0x401000", all.toString());
        assertEquals(mine, SpinSite.parse(mine.toString()));
        assertEquals(new SpinSite("/a@b", 0, 16), SpinSite.parse("/a@b@16"), "the last @ separates");
        assertTrue(all.appliesTo("/bin/x", 7) && !all.appliesTo("/bin/y", 7));
        assertTrue(mine.appliesTo(JAVA, 15) && !mine.appliesTo(JAVA, 2));
    }

    @Test
    void malformedSitesSayWhatIsWrong() {
        for (String bad : new String[] {"/bin/x", "@0x10", "/bin/x@", "/bin/x@zz", "/bin/x@0", "/bin/x@0x10/0",
                "/bin/x@0x10/t"}) {
            var e = assertThrows(IllegalArgumentException.class, () -> SpinSite.parse(bad), bad);
            assertTrue(e.getMessage().contains("'"), e.getMessage());
        }
    }

    @Test
    void aThreadLearnsAtMostFourSitesOfItsOwnAndNoneTwice() {
        SpinSites sites = new SpinSites(List.of(new SpinSite(JAVA, 0, 0x1000)), true);
        assertEquals(List.of(new SpinSite(JAVA, 0, 0x1000)), sites.forThread(JAVA, 2), "given for every thread");
        assertNull(sites.learn(JAVA, 2, 0x1000), "counted already");
        for (long a = 0x2000; a <= 0x4000; a += 0x1000) assertEquals(new SpinSite(JAVA, 2, a), sites.learn(JAVA, 2, a));
        assertNull(sites.learn(JAVA, 2, 0x5000), "four debug registers");
        assertEquals(4, sites.forThread(JAVA, 2).size());
        assertEquals(new SpinSite(JAVA, 15, 0x5000), sites.learn(JAVA, 15, 0x5000), "another thread has its own");
        assertEquals(List.of(new SpinSite(JAVA, 0, 0x1000), new SpinSite(JAVA, 15, 0x5000)), sites.forThread(JAVA, 15));
        assertEquals(4, sites.learned());
        assertEquals(List.of(), sites.forThread("/bin/other", 2));
    }

    @Test
    void aRunThatDoesNotLearnKeepsWhatItWasGiven() {
        SpinSites sites = new SpinSites(List.of(), false);
        assertNull(sites.learn(JAVA, 2, 0x1000));
        assertEquals(List.of(), sites.all());
    }

    @Test
    void breakpointsCountExactlyOnThisMachineOrSayWhyNot() {
        BreakpointCounting found = BreakpointCounting.detect();
        assertTrue(found.exact() ? found.reason().equals("exact (100 of 100)") : !found.reason().isEmpty(),
                found.describe());
    }
}
