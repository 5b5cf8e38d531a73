package dev.detsim.cli;

import static dev.detsim.cli.Programs.detsimCommand;
import static dev.detsim.cli.Programs.guest;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 19: detsim record keeps a run, detsim replay runs it again, checked event by event — identical where
 * nothing changed, refused where an input changed, stopped (with nothing left running) where the run parts.
 */
class RecordReplayTest {
    @TempDir
    Path dir;

    private Programs.Result detsim(Path cwd, byte[] stdin, String... args) {
        return Recordings.detsim(cwd, stdin, args);
    }

    private Programs.Result record(Path out, byte[] stdin, String... command) {
        return Recordings.record(dir, out, stdin, command);
    }

    private String replayedThreeTimes(Path recording, Programs.Result recorded) {
        return Recordings.replayedThreeTimes(recording, recorded);
    }

    @Test
    void aProgramReadingStdinReplaysWithoutItsInputAndTheDigestIsRunsDigest() {
        byte[] input = "hello\nworld\n".getBytes(StandardCharsets.UTF_8);
        String script = "read a; read b; echo $b $a; exit 3";
        Path rec = dir.resolve("stdin-rec");
        var recorded = record(rec, input, "sh", "-c", script);
        assertEquals(3, recorded.status(), recorded.err());
        assertEquals("world hello\n", recorded.out());
        String digest = replayedThreeTimes(rec, recorded);
        var run = detsim(dir, input, "run", "--tmp=private", "--digest", "--", "sh", "-c", script);
        assertTrue(run.err().contains("detsim: digest " + digest), "replay's digest is the run's: " + run.err());
    }

    /**
     * record runs the program in its own JVM, whose descriptor 0 is a file of the JVM's own when detsim was started
     * with stdin closed: record refuses in one line instead of taking that over (or crashing the JVM).
     */
    @Test
    void aClosedStdinIsRefusedInOneLine() {
        Path rec = dir.resolve("closed");
        List<String> cmd = new ArrayList<>(List.of("sh", "-c", "exec \"$@\" <&-", "sh"));
        cmd.addAll(detsimCommand(List.of("record", "--out=" + rec, "--", "true")));
        var r = Programs.run(new ProcessBuilder(cmd).directory(dir.toFile()), null, Programs.DEFAULT_TIMEOUT);
        assertEquals(2, r.status(), r.err());
        assertEquals("detsim: record: stdin is closed; give the program an empty one with </dev/null\n", r.err());
        assertFalse(Files.exists(rec));
        var empty = record(rec, new byte[0], "true"); // an empty stdin is fine
        assertEquals(0, empty.status(), empty.err());
    }

    @Test
    void aRaceUnderAChaosSeedAndADeathBySignalReplayAsRecorded() {
        Path race = dir.resolve("race");
        var recorded = record(race, null, "--chaos", "--seed=7", "--", guest("racy_counter").toString());
        assertEquals(0, recorded.status(), recorded.err());
        replayedThreeTimes(race, recorded);

        Path segv = dir.resolve("segv");
        var died = record(segv, null, guest("die_by_signal").toString(), "segv-real");
        assertEquals(139, died.status(), died.err());
        replayedThreeTimes(segv, died);
    }

    @Test
    void pythonThreadsRecordedIntoAFileReplayIntoAPipeAndABashPipelineWithAJobReplays() throws Exception {
        // Python fstats its stdout and stderr (buffering): replay gives the run the recorded kinds — here an
        // empty file with its permissions, in its directory — whatever replay's own are (a pipe here).
        String py = "import threading; r = []; ts = [threading.Thread(target=lambda i=i: r.append(i)) for i in"
                + " range(8)]; [t.start() for t in ts]; [t.join() for t in ts]; print(r)";
        Path rec = dir.resolve("py");
        Path out = dir.resolve("out.txt"), err = dir.resolve("err.txt");
        var pb = new ProcessBuilder(detsimCommand(List.of("record", "--out=" + rec, "--", "python3", "-c", py)))
                .directory(dir.toFile()).redirectOutput(out.toFile()).redirectError(err.toFile());
        assertEquals(0, pb.start().waitFor(), Files.readString(err));
        assertEquals("[0, 1, 2, 3, 4, 5, 6, 7]\n", Files.readString(out));
        replayedThreeTimes(rec, new Programs.Result(0, Files.readAllBytes(out), new byte[0]));
        try (var left = Files.list(dir)) {
            assertTrue(left.noneMatch(p -> p.getFileName().toString().startsWith(".detsim-replay-")), "cleaned up");
        }

        Path pipeline = dir.resolve("pipeline");
        var recorded = record(pipeline, null, "bash", "-c", "seq 2000 | sort -rn | head -3; (sleep 0.2; echo job) & wait");
        assertEquals("2000\n1999\n1998\njob\n", recorded.out(), recorded.err());
        replayedThreeTimes(pipeline, recorded);
    }

    @Test
    void aChangedExecutableIsRefusedByNameAndACorruptRecordingInOneLine() throws IOException {
        Path program = Files.copy(guest("pthreads"), dir.resolve("pthreads-copy"));
        Path rec = dir.resolve("changed");
        var recorded = record(rec, null, program.toString());
        assertEquals(0, recorded.status(), recorded.err());
        Files.write(program, new byte[] {0}, java.nio.file.StandardOpenOption.APPEND);
        var refused = detsim(dir, null, "replay", rec.toString());
        assertEquals(88, refused.status(), refused.err());
        assertEquals("detsim: replay: " + program + " changed since the recording", refused.err().split(" \\(SHA")[0]);

        // A program the command's shell runs is kept too, and refused when it changed.
        Path child = Files.copy(guest("pthreads"), dir.resolve("child-copy"));
        Path viaShell = dir.resolve("via-shell");
        var shell = record(viaShell, null, "sh", "-c", child + "; echo done");
        assertEquals(0, shell.status(), shell.err());
        Files.write(child, new byte[] {0}, java.nio.file.StandardOpenOption.APPEND);
        var refusedChild = detsim(dir, null, "replay", viaShell.toString());
        assertEquals(88, refusedChild.status(), refusedChild.err());
        assertTrue(refusedChild.err().startsWith("detsim: replay: " + child + " changed since the recording"),
                refusedChild.err());

        Path events = rec.resolve("events.gz");
        byte[] b = Files.readAllBytes(events);
        b[b.length / 2] ^= 0x40;
        Files.write(events, b);
        var corrupt = detsim(dir, null, "replay", rec.toString());
        assertEquals(65, corrupt.status(), corrupt.err());
        assertEquals(1, corrupt.err().lines().count(), corrupt.err());
        assertTrue(corrupt.err().startsWith("detsim: replay: " + events + " is corrupt"), corrupt.err());

        var notOne = detsim(dir, null, "replay", dir.resolve("nothing-here").toString());
        assertEquals(65, notOne.status(), notOne.err());
        var overwrite = record(rec, null, "true");
        assertEquals(2, overwrite.status(), overwrite.err());
        assertTrue(overwrite.err().contains("is not empty (a recording is never overwritten"), overwrite.err());
    }

    /**
     * Each replay parts at the stat of a file that grew, while a sleep of the run waits: the run is stopped there
     * and the sleep does not outlive it (virtual time lets it end at once when recorded).
     */
    @Test
    void aRunThatPartsFromItsRecordingIsStoppedThereAndLeavesNothingRunning() throws Exception {
        Path data = Files.writeString(dir.resolve("data"), "x");
        String marker = "31.4159"; // a sleep no one else runs
        Path rec = dir.resolve("parts");
        var recorded = record(rec, null, "sh", "-c", "sleep " + marker + " & stat -c %s data; wait");
        assertEquals("1\n", recorded.out(), recorded.err());
        Files.writeString(data, "xy");
        for (int i = 0; i < 5; i++) {
            var r = detsim(dir, null, "replay", rec.toString());
            assertEquals(87, r.status(), r.err());
            assertTrue(r.err().contains("detsim: replay: diverged at event #"), r.err());
            assertTrue(r.err().contains("  recorded:\n") && r.err().contains("  replayed:\n    > #"), r.err());
        }
        Thread.sleep(200);
        var ps = Programs.nativeRun(List.of("pgrep", "-f", "sleep " + marker), null);
        assertFalse(ps.status() == 0, "left running: " + ps.out());
    }

    /**
     * An sqlite3 database that existed before the recorded run, which the run changed: each replay finds it as the
     * recorded run did (the same count printed, not one more per replay), and the user's copy is not touched. A
     * database the run created is hidden from the replays (else sqlite3 would find its table already there).
     * Without the restore, replay would print 3, then 4: stdout is compared by replayedThreeTimes.
     */
    @Test
    void filesTheRunChangedOrCreatedAreAsTheRunFoundThemAtEachReplayAndTheUsersCopiesAreUntouched() throws Exception {
        Path db = dir.resolve("app.db");
        var made = Programs.nativeRun(List.of("sqlite3", db.toString(), "create table t(x); insert into t values(1);"), null);
        assertEquals(0, made.status(), made.err());
        Path rec = dir.resolve("db-rec");
        var recorded = record(rec, null, "sqlite3", db.toString(), "insert into t values(2); select count(*) from t;");
        assertEquals("2\n", recorded.out(), recorded.err());
        String after = dev.detsim.recorder.Recording.sha256Of(db);
        replayedThreeTimes(rec, recorded);
        assertEquals(after, dev.detsim.recorder.Recording.sha256Of(db), "replay must not touch the user's database");
        assertFalse(Files.exists(dir.resolve("app.db-journal")));

        Path created = dir.resolve("new.db");
        Path rec2 = dir.resolve("new-rec");
        var made2 = record(rec2, null, "sqlite3", created.toString(), "create table t(x); insert into t values(7); select * from t;");
        assertEquals("7\n", made2.out(), made2.err());
        String left = dev.detsim.recorder.Recording.sha256Of(created);
        replayedThreeTimes(rec2, made2);
        assertEquals(left, dev.detsim.recorder.Recording.sha256Of(created));
    }

    /** A data file the run read is an input: changed after the recording, replay refuses and names it. */
    @Test
    void aChangedDataFileIsRefusedByName() throws Exception {
        Path data = Files.writeString(dir.resolve("input.txt"), "one\ntwo\n");
        Path other = Files.writeString(dir.resolve("other.txt"), "x\n");
        Path rec = dir.resolve("data-rec");
        var recorded = record(rec, null, "sh", "-c", "sort -r " + data + "; cat " + other);
        assertEquals("two\none\nx\n", recorded.out(), recorded.err());
        replayedThreeTimes(rec, recorded);
        Files.writeString(data, "one\ntwo\nthree\n");
        Files.writeString(other, "y\n");
        var refused = detsim(dir, null, "replay", rec.toString());
        assertEquals(88, refused.status(), refused.err());
        List<String> lines = refused.err().lines().toList();
        assertTrue(lines.get(0).startsWith("detsim: replay: " + data + " changed since the recording"), refused.err());
        assertTrue(lines.get(1).startsWith("detsim: replay: " + other + " changed since the recording"), refused.err());
        assertEquals(3, lines.size(), refused.err());

        // --portable keeps their content: the replay reads what the recorded run read, the user's files stay. The
        // data file has a second link, which its restored copy gets too (sort fstats it: stat shows link counts).
        Files.writeString(data, "one\ntwo\n");
        Files.createLink(dir.resolve("input-link.txt"), data);
        Files.writeString(other, "x\n");
        Path portable = dir.resolve("portable-rec");
        var packed = record(portable, null, "--portable", "--", "sh", "-c", "sort -r " + data + "; cat " + other);
        assertEquals("two\none\nx\n", packed.out(), packed.err());
        Files.writeString(data, "changed\n");
        Files.delete(other);
        replayedThreeTimes(portable, packed);
        assertEquals("changed\n", Files.readString(data));
        assertFalse(Files.exists(other));
    }
}
