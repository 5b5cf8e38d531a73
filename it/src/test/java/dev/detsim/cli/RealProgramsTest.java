package dev.detsim.cli;

import static dev.detsim.cli.Programs.assertSame;
import static dev.detsim.cli.Programs.assertSameAsNative;
import static dev.detsim.cli.Programs.detsimRun;
import static dev.detsim.cli.Programs.guest;
import static dev.detsim.cli.Programs.nativeRun;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Debian's own programs — bash, coreutils, sqlite3, a Go binary — under detsim and natively. */
class RealProgramsTest {
    @TempDir
    Path dir;

    @Test
    void bashPipelinesWithBackgroundJobsAndWait() throws IOException {
        String script = """
                set -e
                cd "$1"
                seq 1 50000 | sort -rn | head -3
                ( for i in 1 2 3; do echo "job a $i"; done > a.txt ) &
                ( seq 1 1000 | tr 0-9 a-j | sort > b.txt ) &
                ( sleep 0.2; echo late > c.txt ) &
                wait
                cat a.txt c.txt; md5sum b.txt | cut -c1-32
                false || echo "false failed as it should"
                sh -c 'exit 7' || echo "child status $?"
                printf '%s\\n' one two three | while read -r w; do echo "[$w]"; done
                """;
        Path nat = Files.createDirectory(dir.resolve("native"));
        Path det = Files.createDirectory(dir.resolve("detsim"));
        var expected = nativeRun(List.of("bash", "-c", script, "bash", nat.toString()), null);
        var actual = detsimRun(List.of("bash", "-c", script, "bash", det.toString()), null);
        assertSame(expected, actual, "bash script");
        assertTrue(actual.out().contains("50000\n49999\n49998\n"), actual.out());
        assertTrue(actual.out().contains("child status 7"), actual.out());
    }

    /** Group-stops: SIGSTOP really stops a traced process (held with PTRACE_LISTEN) and SIGCONT resumes it. */
    @Test
    void stopAndContinueAJob() throws IOException {
        String script = """
                cd "$1"
                # The counter is replaced by rename, so a reader never sees it truncated mid-write.
                ( i=0; while :; do i=$((i+1)); echo $i > counter.new; mv counter.new counter; sleep 0.01; done ) &
                job=$!
                sleep 0.3
                kill -STOP $job; sleep 0.1
                a=$(cat counter); sleep 0.4; b=$(cat counter)
                [ "$a" = "$b" ] && echo "stopped: counter stays" || echo "still running: $a -> $b"
                kill -CONT $job; sleep 0.4
                c=$(cat counter)
                [ "$c" -gt "$b" ] && echo "continued: counter moves" || echo "not continued: $b -> $c"
                kill -TERM $job; wait $job; echo "job status $?"
                sleep 0.05 # the job's last "sleep 0.01" ends by itself, as natively, before bash exits
                """;
        Path nat = Files.createDirectory(dir.resolve("native"));
        Path det = Files.createDirectory(dir.resolve("detsim"));
        var expected = nativeRun(List.of("bash", "-c", script, "bash", nat.toString()), null);
        var actual = detsimRun(List.of("bash", "-c", script, "bash", det.toString()), null);
        assertEquals("stopped: counter stays\ncontinued: counter moves\njob status 143\n", expected.out());
        assertSame(expected, actual, "stop/continue");
    }

    @Test
    void environmentWorkingDirectoryAndStdinPassThrough() {
        assertSameAsNative(List.of("env"), null);
        assertSameAsNative(List.of("pwd"), null);
        var r = assertSameAsNative(List.of("tr", "a-z", "A-Z"), "hello, detsim\n".getBytes());
        assertEquals("HELLO, DETSIM\n", r.out());
    }

    @Test
    void sqliteCliOnAFileDatabase() {
        String sql = """
                CREATE TABLE kv(k INTEGER PRIMARY KEY, v TEXT NOT NULL);
                WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5000)
                  INSERT INTO kv SELECT i, printf('value-%05d', i * 7 % 5000) FROM n;
                BEGIN; UPDATE kv SET v = upper(v) WHERE k % 3 = 0; COMMIT;
                BEGIN; DELETE FROM kv WHERE k > 4000; ROLLBACK;
                CREATE INDEX kv_v ON kv(v);
                SELECT count(*), min(v), max(v), sum(length(v)) FROM kv;
                SELECT k, v FROM kv WHERE v LIKE 'VALUE-0000%' ORDER BY k;
                PRAGMA integrity_check;
                """;
        var expected = nativeRun(List.of("sqlite3", dir.resolve("native.db").toString()), sql.getBytes());
        var actual = detsimRun(List.of("sqlite3", dir.resolve("detsim.db").toString()), sql.getBytes());
        assertSame(expected, actual, "sqlite3");
        assertTrue(actual.out().startsWith("5000|"), actual.out());
        assertTrue(actual.out().endsWith("ok\n"), actual.out());
    }

    @Test
    void goProgramWithThousandsOfGoroutines() {
        var r = assertSameAsNative(List.of(guest("goroutines").toString(), "5000"), null);
        assertTrue(r.out().startsWith("goroutines 5000, sum 12502500"), r.out());
    }
}
