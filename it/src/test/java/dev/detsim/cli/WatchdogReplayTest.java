package dev.detsim.cli;

import static dev.detsim.cli.Programs.detsimCommand;
import static dev.detsim.cli.Programs.guest;
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
 * Issue 19 item 3: a recording keeps its wall-clock watchdog preemptions (the "preemptions" section), and
 * replay preempts at the recorded instruction with the recorded registers, at the recorded cost — or parts
 * from the recording there, visibly.
 */
class WatchdogReplayTest {
    @TempDir
    Path dir;

    @BeforeAll
    static void breakpointsCountExactly() {
        BreakpointCounting found = BreakpointCounting.detect();
        Assumptions.assumeTrue(found.exact(), "this machine cannot stop at an instruction by perf: " + found.describe());
    }

    private Programs.Result detsim(String... args) {
        return Programs.run(new ProcessBuilder(detsimCommand(List.of(args))).directory(dir.toFile()), null,
                Programs.DEFAULT_TIMEOUT);
    }

    @Test
    void aPureSpinWaitsWatchdogPreemptionReplaysAtItsRecordedPointThreeTimes() throws Exception {
        Path rec = dir.resolve("rec");
        var recorded = detsim("record", "--out=" + rec, "--preempt-by=watchdog", "--", guest("spin_flag").toString(), "time");
        assertEquals(0, recorded.status(), recorded.err());
        assertTrue(Files.exists(rec.resolve("preemptions.gz")), "the recording keeps the preemption");
        String manifest = Files.readString(rec.resolve("recording.json"));
        assertTrue(manifest.contains("\"nondeterministicPreemptions\" : 1"), manifest);
        // The spin cost the preempted turn its host time (100 ms and more): the time printed after it shows it.
        Matcher m = Pattern.compile("flag seen at (\\d+) ns\n").matcher(recorded.out());
        assertTrue(m.matches(), recorded.out());
        assertTrue(Long.parseLong(m.group(1)) > 1_000_100_000_000L, "virtual time starts at 1000 s: " + recorded.out());

        for (int i = 0; i < 3; i++) {
            var r = detsim("replay", rec.toString());
            assertEquals(0, r.status(), r.err());
            // The same time: the preemption came at the recorded event and cost the recorded host time.
            assertEquals(recorded.out(), r.out(), r.err());
            assertTrue(r.err().contains("detsim: replay: identical, "), r.err());
            assertFalse(r.err().contains("may not"), "a preemption replay finds again is not a warning: " + r.err());
        }
    }

    @Test
    void aSpinThatCountsInARegisterReplaysAtItsRecordedPass() throws Exception {
        // spin_flag count keeps its count in a register: the recorded pass is hundreds of millions of passes in.
        // Replay measures how a pass moves the registers, runs the thread free most of the way, and counts the
        // last passes: the count it prints (which no event shows) is the recorded one, every time.
        Path rec = dir.resolve("count");
        var recorded = detsim("record", "--out=" + rec, "--preempt-by=watchdog", "--", guest("spin_flag").toString(), "count");
        assertEquals(0, recorded.status(), recorded.err());
        assertTrue(recorded.out().matches("flag seen after \\d+ spins\n"), recorded.out());
        replaysIdenticallyOrSaysItsTimerCameLate(rec, recorded, 3);
    }

    /**
     * Replays rec attempts times: each one identical, with the recorded output (the count, which no event shows),
     * or parted at the preemption because a free run's timer came late and the thread ran past the point (a
     * timer interrupt the kernel delivered milliseconds late: seen in about 1 of 15 replays under load) — and
     * at least one identical. Never an earlier pass, never another count.
     */
    private void replaysIdenticallyOrSaysItsTimerCameLate(Path rec, Programs.Result recorded, int attempts) {
        int identical = 0;
        for (int i = 0; i < attempts; i++) {
            var r = detsim("replay", rec.toString());
            if (r.status() == 0) {
                assertEquals(recorded.out(), r.out(), r.err());
                assertTrue(r.err().contains("detsim: replay: identical, "), r.err());
                identical++;
            } else {
                assertEquals(ExitCodes.REPLAY_DIVERGED, r.status(), r.err());
                assertTrue(r.err().contains("the thread ran past it, its timer came late"), r.err());
            }
        }
        assertTrue(identical > 0, "no replay of " + attempts + " was identical");
    }

    @Test
    void aGoroutineSpinningOnAnAtomicReplaysAtItsRecordedPasses() throws Exception {
        Path rec = dir.resolve("gospin");
        var recorded = detsim("record", "--out=" + rec, "--preempt-by=watchdog", "--", guest("gospin").toString());
        assertEquals(0, recorded.status(), recorded.err());
        assertTrue(Files.exists(rec.resolve("preemptions.gz")), recorded.err());
        replaysIdenticallyOrSaysItsTimerCameLate(rec, recorded, 3);
    }

    @Test
    void aSpinThatCountsOnTheStackIsFoundOrReplaySaysWhereNeverAnEarlierPass() throws Exception {
        // spin_flag stack counts in a volatile local. Where the watchdog stopped the loop at an instruction that has
        // the count loaded in a register, replay predicts the pass as for a register count; elsewhere the registers
        // do not tell passes apart and the stack's digest does not say how far off a pass is. Either way replay must
        // not stop at an earlier pass and go on: the count it prints is not in the event log, so that would be
        // silent. So: the recorded count, or a parting at the preemption's event that says why.
        for (int i = 0; i < 3; i++) {
            Path rec = dir.resolve("stack-" + i);
            var recorded = detsim("record", "--out=" + rec, "--preempt-by=watchdog", "--", guest("spin_flag").toString(), "stack");
            assertEquals(0, recorded.status(), recorded.err());
            var r = detsim("replay", rec.toString());
            if (r.status() == 0) {
                assertEquals(recorded.out(), r.out(), "an identical replay printed the recorded count: " + r.err());
            } else {
                assertEquals(ExitCodes.REPLAY_DIVERGED, r.status(), r.err());
                assertTrue(r.err().contains("preempt watchdog (the recorded preemption was not met"), r.err());
            }
        }
    }
}
