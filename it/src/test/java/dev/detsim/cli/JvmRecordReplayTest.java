package dev.detsim.cli;

import static dev.detsim.cli.Recordings.record;
import static dev.detsim.cli.Recordings.replayedThreeTimes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 19's JVM: a multithreaded Java program recorded under a chaos seed replays three times to the same
 * digest and output; a JVM whose threads spin replays when recorded with the spin sites a run learned.
 */
class JvmRecordReplayTest {
    @TempDir
    Path dir;

    /** Compiles guests/java/NAME.java into a directory outside /tmp (a run's /tmp is its own). */
    private static String javaGuest(String name) {
        Path classes = Path.of("target/java-guests").toAbsolutePath();
        try {
            Files.createDirectories(classes);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        var javac = Programs.nativeRun(List.of("javac", "-d", classes.toString(),
                Path.of("../guests/java/" + name + ".java").toString()), null);
        assertEquals(0, javac.status(), javac.err());
        return classes.toString();
    }

    @Test
    void aMultithreadedJavaProgramRecordedUnderAChaosSeedReplays() {
        String classes = javaGuest("BankTransfers");
        Path rec = dir.resolve("bank");
        var recorded = record(dir, rec, null, "--chaos", "--seed=3", "--", "java", "-cp", classes, "BankTransfers");
        assertEquals(0, recorded.status(), recorded.err());
        assertTrue(recorded.out().startsWith("total 16000 "), recorded.out()); // the locks kept the money
        replayedThreeTimes(rec, recorded);
        // The order checksum is the interleaving's: another seed interleaves the workers otherwise.
        var other = Programs.detsimRun(List.of("--chaos", "--seed=1"), List.of("java", "-cp", classes, "BankTransfers"), null);
        assertEquals(0, other.status(), other.err());
        assertNotEquals(recorded.out(), other.out());
    }

    @Test
    void spinningJavaThreadsReplayWhenRecordedWithTheSitesVerifyLearned() throws Exception {
        // One learning run may miss a site: the JIT compiles the loop again elsewhere, where the watchdog then
        // stops a thread in the recorded run. verify learns until a run learns nothing new.
        String classes = javaGuest("SpinHandoff");
        var learned = Programs.verify("--runs=2", "--", "java", "-cp", classes, "SpinHandoff", "10");
        assertEquals(0, learned.status(), learned.err());
        Matcher m = Pattern.compile("0 nondeterministic preemptions \\(spin sites counted: ([^)]+)\\)").matcher(learned.err());
        assertTrue(m.find(), "verify learned the spinning: " + learned.err());
        String sites = m.group(1);
        Path rec = dir.resolve("spin");
        var recorded = record(dir, rec, null, "--preempt-at=" + sites, "--", "java", "-cp", classes, "SpinHandoff", "10");
        assertEquals(0, recorded.status(), recorded.err());
        assertTrue(recorded.out().startsWith("handoffs 10 spins "), recorded.out());
        replayedThreeTimes(rec, recorded);
    }
}
