package dev.detsim.cli;

import static dev.detsim.cli.Programs.detsimRun;
import static dev.detsim.cli.Programs.guest;
import static dev.detsim.cli.Programs.statsField;
import static dev.detsim.cli.Programs.verify;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.detsim.sandbox.tracer.preemption.BreakpointCounting;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 19 item 3: counted slices at spin sites. Without branch counters, detsim learns the instruction the
 * watchdog found a thread spinning at and counts its executions with a perf breakpoint event; verify's
 * learning runs hand those sites to the runs it compares, so a spin-wait — C, Go, Java — runs the same every
 * time with no preemption left to the wall clock.
 */
class SpinSitesTest {
    @TempDir
    static Path dir;

    @BeforeAll
    static void breakpointsCountExactly() {
        BreakpointCounting found = BreakpointCounting.detect();
        Assumptions.assumeTrue(found.exact(), "this machine cannot count an instruction's executions: " + found.describe());
    }

    /** verify's summary: all runs identical and no preemption left to the watchdog. */
    private static void assertIdenticalWithoutWatchdog(Programs.Result r, int runs) {
        assertEquals(0, r.status(), r.err());
        assertTrue(r.err().contains("learning run 1: "), "the first run found a spin to learn: " + r.err());
        assertTrue(r.err().contains(runs + " runs identical: status 0"), r.err());
        assertTrue(r.err().contains(" events, 0 nondeterministic preemptions (spin sites counted: "), r.err());
    }

    @Test
    void verifyLearnsSpinFlagsSpinSiteAndTenRunsAreOne() {
        assertIdenticalWithoutWatchdog(verify("--runs=10", "--", guest("spin_flag").toString(), "count"), 10);
    }

    @Test
    void aGoTightLoopWaitingOnAGoroutineRunsTheSameEveryTime() {
        assertIdenticalWithoutWatchdog(verify("--runs=5", "--", guest("gospin").toString()), 5);
    }

    @Test
    void javaHandingOffBetweenSpinningThreadsRunsTheSameEveryTime() throws Exception {
        Path classes = Path.of("target/java-guests").toAbsolutePath(); // not /tmp: verify gives each run its own
        Files.createDirectories(classes);
        var javac = Programs.nativeRun(List.of("javac", "-d", classes.toString(),
                Path.of("../guests/java/SpinHandoff.java").toString()), null);
        assertEquals(0, javac.status(), javac.err());
        assertIdenticalWithoutWatchdog(verify("--runs=3", "--", "java", "-cp", classes.toString(), "SpinHandoff", "10"), 3);
    }

    @Test
    void aSiteGivenWithPreemptAtIsCountedFromTheStartAndPreemptsAtExactlyItsThousandthExecution() throws Exception {
        Path stats = dir.resolve("learn.json");
        var learned = detsimRun(List.of("--stats=" + stats), List.of(guest("spin_flag").toString(), "count"), null);
        assertEquals(0, learned.status(), learned.err());
        Matcher m = Pattern.compile("\"spinSites\":\\[\"([^\"]+)\"\\]").matcher(Files.readString(stats));
        assertTrue(m.find(), Files.readString(stats));
        String site = m.group(1);
        assertTrue(learned.err().contains("--preempt-at=" + site + " counts them from the start"), learned.err());

        for (int i = 0; i < 2; i++) {
            Path counted = dir.resolve("counted-" + i + ".json");
            var r = detsimRun(List.of("--stats=" + counted, "--preempt-at=" + site),
                    List.of(guest("spin_flag").toString(), "count"), null);
            assertEquals(0, r.status(), r.err());
            // The setter runs once the spinner is preempted, so the spinner sees the flag at its next pass.
            assertTrue(r.out().equals("flag seen after 1000 spins\n") || r.out().equals("flag seen after 1001 spins\n"), r.out());
            if (i == 1) assertEquals(Files.readString(dir.resolve("out-0")), r.out());
            Files.writeString(dir.resolve("out-" + i), r.out());
            assertEquals(0, statsField(Files.readString(counted), "nondeterministicPreemptions"), r.err());
            assertEquals(1, statsField(Files.readString(counted), "deterministicPreemptions"), r.err());
            assertFalse(r.err().contains("not deterministic"), r.err());
        }
    }

    @Test
    void aMalformedSiteIsOneLine() {
        var r = detsimRun(List.of("--preempt-at=/bin/true@zz"), List.of("true"), null);
        assertEquals(2, r.status(), r.err());
        assertTrue(r.err().startsWith("detsim: --preempt-at: 'zz' is not an address"), r.err());
        assertFalse(r.err().contains("\tat "), r.err());
    }
}
