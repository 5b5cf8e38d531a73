package dev.detsim.cli;

import static dev.detsim.cli.Programs.guest;
import static dev.detsim.cli.Recordings.record;
import static dev.detsim.cli.Recordings.replayedThreeTimes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 19's program kinds, each recorded once and replayed three times to the same digest, stdout and status:
 * C guests of several families, eight sqlite3 writers on one database, Go at one and four virtual CPUs.
 */
class RecordReplayProgramsTest {
    @TempDir
    Path dir;

    @Test
    void cGuestsOfSignalsTimersFilesAndForkExecReplay() throws Exception {
        // files works in a directory of its own, which it fills: replay finds it as the recorded run did.
        Path work = java.nio.file.Files.createDirectory(dir.resolve("files-work"));
        for (String g : new String[] {"signals", "timers", "files", "fork_exec_chain"}) {
            java.util.List<String> command = g.equals("files") ? java.util.List.of(guest(g).toString(), work.toString())
                    : java.util.List.of(guest(g).toString());
            int expected = g.equals("files") ? 0 : Programs.nativeRun(command, null).status();
            Path rec = dir.resolve(g);
            var recorded = record(dir, rec, null, command.toArray(String[]::new));
            assertEquals(expected, recorded.status(), g + ": " + recorded.err());
            replayedThreeTimes(rec, recorded);
        }
    }

    @Test
    void eightSqliteWritersOnOneDatabaseReplay() {
        Path script = Path.of("../bench/sqlite_writers.sh").toAbsolutePath().normalize();
        Path rec = dir.resolve("writers");
        var recorded = record(dir, rec, null, "bash", script.toString(), dir.resolve("w.db").toString());
        assertEquals("rows 400\n", recorded.out(), recorded.err());
        replayedThreeTimes(rec, recorded);
    }

    @Test
    void goAtOneAndFourVirtualCpusReplays() {
        for (String cpus : new String[] {"--cpus=1", "--cpus=4"}) {
            Path rec = dir.resolve("go" + cpus.substring(7));
            var recorded = record(dir, rec, null, cpus, "--", guest("goconc").toString());
            assertEquals(0, recorded.status(), recorded.err());
            assertTrue(recorded.out().startsWith("gomaxprocs " + cpus.substring(7) + "\n"), recorded.out());
            replayedThreeTimes(rec, recorded);
        }
    }
}
