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

    /**
     * PostgreSQL 15 as the postgres user: initdb, start, a table of 100 rows, its sum, stop — in one run. Its data
     * directory is the run's own: at replay it exists (the recorded run left it) and replay hides it.
     */
    @Test
    void aPostgresSessionFromInitdbToStopReplays() throws Exception {
        // Not under /tmp or /var/tmp (record's are private tmpfs: the files would not be there), nor under
        // /tmp/junit-* (postgres cannot enter it).
        Path work = java.nio.file.Files.createTempDirectory(Path.of("target").toAbsolutePath(), "pg-");
        try {
            Path script = work.resolve("session.sh");
            try (var in = getClass().getResourceAsStream("/programs/postgres_session.sh")) {
                java.nio.file.Files.copy(in, script);
            }
            Path data = java.nio.file.Files.createDirectory(work.resolve("d"));
            for (Path p : new Path[] {work, script, data}) {
                java.nio.file.Files.setAttribute(p, "unix:uid", 0);
                java.nio.file.Files.setPosixFilePermissions(p, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
            }
            java.nio.file.Files.setAttribute(data, "unix:uid",
                    java.nio.file.Files.getAttribute(Path.of("/var/lib/postgresql"), "unix:uid"));
            Path rec = dir.resolve("pg");
            var recorded = record(dir, rec, null, "runuser", "-u", "postgres", "--", "/bin/sh", script.toString(), data.toString());
            assertEquals("CREATE TABLE\nINSERT 0 100\n5050\n", recorded.out(), recorded.err());
            replayedThreeTimes(rec, recorded);
        } finally {
            Programs.nativeRun(java.util.List.of("rm", "-rf", work.toString()), null);
        }
    }
}
