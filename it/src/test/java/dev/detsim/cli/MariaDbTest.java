package dev.detsim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 17 item 3: MariaDB 10.11, Debian's default database server, in its default configuration: bootstrap
 * (which pipes its SQL into the server: big pipe writes), server (which asks for io_uring: refused, it falls
 * back), client, shutdown, all in one run. It once hung with thousands of watchdog preemptions; now three runs
 * must be identical with none.
 */
class MariaDbTest {
    @TempDir
    Path dir;
    @TempDir
    Path kept;

    /** The session, run in its working directory (kept in verify's private /tmp), which it leaves as it found it. */
    private static final String SESSION = """
            set -e
            d=$(pwd)
            mkdir "$d/data"
            mariadb-install-db --no-defaults --user=root --datadir="$d/data" --auth-root-authentication-method=normal \\
                --skip-name-resolve > "$d/install.log" 2>&1 || { cat "$d/install.log"; exit 1; }
            mariadbd --no-defaults --user=root --datadir="$d/data" --skip-networking --skip-name-resolve \\
                --socket="$d/sock" --pid-file="$d/pid" --log-error="$d/error.log" 2>/dev/null &
            server=$!
            trap 'mariadb-admin --socket="$d/sock" -uroot shutdown 2>/dev/null; wait $server' ERR
            for i in $(seq 1 600); do mariadb-admin --socket="$d/sock" -uroot ping >/dev/null 2>&1 && break; sleep 0.1; done
            mariadb --socket="$d/sock" -uroot -e "create database t; use t; create table x (n int);
                insert into x select seq from seq_1_to_1000; select count(*), sum(n) from x;"
            mariadb-admin --socket="$d/sock" -uroot shutdown
            wait $server
            echo "server exit $?"
            rm -rf "$d/data" "$d"/*.log
            """;

    @Test
    void aBootstrapServerAndClientSessionRunsIdenticallyThreeTimes() throws Exception {
        var expected = Programs.run(new ProcessBuilder("bash", "-c", SESSION).directory(dir.toFile()), null,
                Programs.DEFAULT_TIMEOUT);
        assertEquals(0, expected.status(), expected.err());
        assertEquals("count(*)\tsum(n)\n1000\t500500\nserver exit 0\n", expected.out());

        List<String> cmd = new ArrayList<>(Programs.detsimCommand(List.of("verify", "--runs", "3", "--keep",
                kept.toString(), "--", "bash", "-c", SESSION)));
        var r = Programs.run(new ProcessBuilder(cmd).directory(dir.toFile()), null, Duration.ofMinutes(4));
        assertEquals(0, r.status(), r.err());
        assertTrue(r.err().contains("3 runs identical: status 0"), r.err());
        assertFalse(r.err().contains("not deterministic"), "no watchdog preemption: " + r.err());
        assertTrue(r.err().contains("io_uring_setup is refused with ENOSYS"), "said once: " + r.err());
        assertEquals(expected.out(), Files.readString(kept.resolve("run-1.stdout")));
    }
}
