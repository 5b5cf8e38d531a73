package dev.detsim.cli;

import static dev.detsim.cli.Programs.detsimRun;
import static dev.detsim.cli.Programs.verify;
import static dev.detsim.cli.Programs.guest;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.detsim.recorder.EventLogFormat;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The event log, its digest, and detsim verify: identical runs pass, a run that reads real entropy fails. */
class VerifyTest {
    @TempDir
    Path dir;

    private static String digest(Programs.Result r) {
        Matcher m = Pattern.compile("detsim: digest ([0-9a-f]{64}) \\((\\d+) events\\)").matcher(r.err());
        assertTrue(m.find(), r.err());
        return m.group(1);
    }

    @Test
    void fiveRunsOfASeededProgramAreIdentical() {
        var r = verify("--runs", "5", "--seed", "3", "--", guest("random_sources").toString());
        assertEquals(0, r.status(), r.err());
        assertTrue(r.err().contains("detsim: verify: 5 runs identical: status 0"), r.err());
        assertEquals("", r.out(), "verify keeps the program's output to itself");
    }

    /** The kernel's UUID file is fresh entropy on every read, and detsim does not stand in for it (yet). */
    private static final String REAL_ENTROPY = "/proc/sys/kernel/random/uuid";

    @Test
    void realEntropyIsCaughtAndTheDifferenceNamed() {
        var r = verify("--", "cat", REAL_ENTROPY);
        assertEquals(1, r.status(), r.err());
        assertTrue(r.err().contains("detsim: verify: run 2 differs from run 1: stdout"), r.err());
        assertTrue(r.err().contains("stdout first differs at byte"), r.err());
    }

    @Test
    void recordFailuresKeepsTheFirstAndTheDifferingRunsRecordingsAndNoneWhenAllAgree() throws Exception {
        Path failures = dir.resolve("failures");
        var r = verify("--runs", "3", "--record-failures=" + failures, "--", "cat", REAL_ENTROPY);
        assertEquals(1, r.status(), r.err());
        assertTrue(r.err().contains("kept the recordings of run 1 and run 2 in " + failures), r.err());
        try (var kept = Files.list(failures)) {
            assertEquals(List.of("run-1", "run-2"), kept.map(p -> p.getFileName().toString()).sorted().toList());
        }
        var replay = Programs.run(new ProcessBuilder(Programs.detsimCommand(List.of("replay",
                failures.resolve("run-2").toString()))), null, Programs.DEFAULT_TIMEOUT);
        assertEquals(0, replay.status(), replay.err());
        assertTrue(replay.err().contains("detsim: replay: identical"), replay.err());

        Path none = dir.resolve("none");
        var same = verify("--runs", "2", "--record-failures=" + none, "--", "true");
        assertEquals(0, same.status(), same.err());
        try (var kept = Files.list(none)) {
            assertEquals(0, kept.count(), "nothing failed, nothing kept");
        }
        var again = verify("--runs", "2", "--record-failures=" + failures, "--", "true");
        assertEquals(2, again.status(), again.err());
        assertTrue(again.err().startsWith("detsim: --record-failures: " + failures + " is not empty"), again.err());
    }

    @Test
    void aDivergentEventIsShownWithContextFromBothRuns() {
        // The length python asks getrandom for comes from real entropy: the event logs part at that call.
        var r = verify("--", "/usr/bin/python3", "-c",
                "import os; os.getrandom(1 + int(open('" + REAL_ENTROPY + "').read().strip().replace('-', ''), 16)"
                        + " % 1000000)"); // two runs agree by chance once in a million
        assertEquals(1, r.status(), r.err());
        assertTrue(r.err().contains("event log"), r.err());
        assertTrue(r.err().matches("(?s).*first divergent event: #\\d+\n  run 1:\n.*> #\\d+ thread 1 syscall getrandom.*"
                + "  run 2:\n.*> #\\d+ thread 1 syscall getrandom.*"), r.err());
    }

    @Test
    void aProgramTheKernelCannotExecuteFailsAlikeInEveryRun() throws Exception {
        // Its failed exec is reported from detsim's own spawn code, which must leave no event of its own.
        Path bad = Files.write(dir.resolve("bad"), new byte[] {0x7f, 'E', 'L', 'F', 'x'});
        bad.toFile().setExecutable(true);
        var r = verify("--runs", "3", "--tmp=shared", "--", bad.toString());
        assertEquals(0, r.status(), r.err()); // verify's own status: the runs were identical
        assertTrue(r.err().contains("3 runs identical: status 126"), r.err());
        assertTrue(r.err().contains("cannot execute: Exec format error"), r.err());
    }

    @Test
    void badUsage() {
        assertEquals(2, verify("--runs", "1", "--", "true").status());
        var missing = verify("--", "no-such-program-xyz");
        assertEquals(127, missing.status());
        assertEquals("detsim: no-such-program-xyz: command not found\n", missing.err());
        assertEquals(2, verify("--input", dir.resolve("nope").toString(), "--", "true").status());
    }

    @Test
    void inputIsFedToEveryRunAndKeptOutputsStay() throws Exception {
        Path in = Files.writeString(dir.resolve("in.txt"), "hello\n");
        Path keep = dir.resolve("runs");
        var r = verify("--runs", "3", "--input", in.toString(), "--keep", keep.toString(), "--", "tr", "a-z", "A-Z");
        assertEquals(0, r.status(), r.err());
        for (int i = 1; i <= 3; i++) {
            assertEquals("HELLO\n", Files.readString(keep.resolve("run-" + i + ".stdout")));
            assertTrue(EventLogFormat.read(keep.resolve("run-" + i + ".events")).size() >= 2);
        }
    }

    @Test
    void theDigestIsStableForASeedAndFollowsIt() throws Exception {
        List<String> cmd = List.of(guest("random_sources").toString());
        String a = digest(detsimRun(List.of("--digest", "--seed=11"), cmd, null));
        String b = digest(detsimRun(List.of("--digest", "--seed=11"), cmd, null));
        String c = digest(detsimRun(List.of("--digest", "--seed=12"), cmd, null));
        assertEquals(a, b);
        assertNotEquals(a, c);

        Path events = dir.resolve("run.events");
        var r = detsimRun(List.of("--digest", "--events=" + events, "--seed=11"), cmd, null);
        var log = EventLogFormat.read(events);
        assertEquals(digest(r), log.get(log.size() - 1).chain(), "the file's last chain value is the digest");
        assertEquals("exec", log.get(0).kind());
        assertTrue(Files.readString(events).startsWith("# detsim event log v1 seed=11 cmd="));
    }
}
