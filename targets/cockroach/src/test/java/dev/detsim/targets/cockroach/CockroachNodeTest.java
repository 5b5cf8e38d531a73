package dev.detsim.targets.cockroach;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Readiness, failure reporting and stopping with fake "cockroach" shell scripts; one test starts a real
 * CockroachDB when COCKROACH_BINARY (or PATH) names one, and is skipped with a visible reason otherwise.
 */
class CockroachNodeTest {
    @TempDir
    Path tmp;

    /** Parses the flags the way cockroach does (enough for the fake), then runs {@code body}. */
    private static final String PARSE_ARGS = """
            #!/bin/sh
            if [ "$1" = version ]; then echo "Build Tag:        v0.0.0-fake"; echo "Platform:         fake"; exit 0; fi
            for a in "$@"; do
              case "$a" in
                --listening-url-file=*) urlfile="${a#--listening-url-file=}" ;;
                --listen-addr=*) addr="${a#--listen-addr=}" ;;
                --store=*) store="${a#--store=}" ;;
              esac
            done
            echo "fake cockroach: $*"
            """;

    private Path fake(String body) throws IOException {
        Path f = tmp.resolve("cockroach");
        Files.writeString(f, PARSE_ARGS + body);
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rwxr-xr-x"));
        return f;
    }

    private static void assertGone(long pid) {
        assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "pid " + pid + " is gone");
    }

    @Test
    void readyOnceTheListeningUrlIsWritten() throws Exception {
        // Written without the final newline first, then completed: a half-written file is not taken.
        Path bin = fake("""
                [ -d "$store" ] || { echo "no store dir $store"; exit 9; }
                sleep 0.3
                printf 'postgresql://root@%s/defaultdb' "$addr" > "$urlfile"
                sleep 0.3
                printf '?sslmode=disable\\n' >> "$urlfile"
                exec sleep 60
                """);
        Path parent = tmp.resolve("nodes");
        CockroachNode node = CockroachNode.start(bin, new NativeLauncher(), parent, Duration.ofSeconds(20));
        try {
            assertTrue(node.isAlive());
            assertEquals("postgresql://root@127.0.0.1:" + node.sqlPort() + "/defaultdb?sslmode=disable", node.pgUrl());
            assertEquals("jdbc:postgresql://127.0.0.1:" + node.sqlPort() + "/defaultdb?sslmode=disable&user=root",
                    node.jdbcUrl());
            assertTrue(node.readyNanos() >= 500_000_000L, "waited for the whole URL: " + node.readyNanos());
            assertEquals(List.of(bin.toString(), "start-single-node", "--insecure", "--store=" + node.storeDir(),
                    "--listen-addr=127.0.0.1:" + node.sqlPort(), "--http-addr=127.0.0.1:" + node.httpPort(),
                    "--listening-url-file=" + node.listeningUrlFile(), "--cache=64MiB", "--max-sql-memory=64MiB"),
                    node.command());
            assertTrue(node.sqlPort() != node.httpPort());
            assertTrue(node.logTail(20).stream().anyMatch(l -> l.startsWith("fake cockroach: start-single-node")),
                    () -> node.logTail(20).toString());
            assertTrue(node.workDir().startsWith(parent));

            Launcher.Stopped stopped = node.stop(Duration.ofSeconds(5));
            assertFalse(stopped.killed(), "SIGTERM was enough");
            assertEquals(128 + 15, stopped.exitCode());
            assertFalse(node.isAlive());
            node.close();
            assertFalse(Files.exists(node.workDir()), "close deletes the work directory");
        } finally {
            node.close(); // idempotent
        }
    }

    @Test
    void earlyExitIsAClearErrorWithTheLogTail() throws Exception {
        Path bin = fake("""
                i=1
                while [ $i -le 30 ]; do printf 'log line %02d\\n' $i; i=$((i+1)); done
                echo "ERROR: cannot use store" >&2
                exit 3
                """);
        CockroachNode.StartException e = assertThrows(CockroachNode.StartException.class,
                () -> CockroachNode.start(bin, new NativeLauncher(), tmp.resolve("nodes"), Duration.ofSeconds(20)));
        String m = e.getMessage();
        assertTrue(m.contains("exited with code 3 before writing a postgres:// URL"), m);
        assertTrue(m.contains("log " + e.logFile() + ", last 20 lines:"), m);
        assertTrue(m.contains("| ERROR: cannot use store"), m);
        assertTrue(m.contains("| log line 30"), m);
        assertTrue(m.contains("| log line 12"), m);
        assertFalse(m.contains("log line 11"), "only the last 20 lines: " + m);
        assertTrue(Files.exists(e.logFile()), "the log is kept");
        assertGone(e.pid());
    }

    @Test
    void noUrlInTimeIsATimeoutErrorAndTheProcessIsStopped() throws Exception {
        Path bin = fake("""
                echo "waiting forever"
                exec sleep 60
                """);
        long t0 = System.nanoTime();
        CockroachNode.StartException e = assertThrows(CockroachNode.StartException.class,
                () -> CockroachNode.start(bin, new NativeLauncher(), tmp.resolve("nodes"), Duration.ofMillis(700)));
        assertTrue(System.nanoTime() - t0 < 10_000_000_000L);
        String m = e.getMessage();
        assertTrue(m.contains("did not write a postgres:// URL to " + e.workDir().resolve("listening-url")
                + " within 700 ms"), m);
        assertTrue(m.contains("| waiting forever"), m);
        assertTrue(m.contains(e.logFile().toString()), m);
        assertGone(e.pid());
    }

    @Test
    void aMissingBinaryIsAStartException() {
        Path bin = tmp.resolve("no-such-cockroach");
        CockroachNode.StartException e = assertThrows(CockroachNode.StartException.class,
                () -> CockroachNode.start(bin, new NativeLauncher(), tmp.resolve("nodes"), Duration.ofSeconds(5)));
        assertTrue(e.getMessage().startsWith("could not start " + bin + " start-single-node"), e.getMessage());
        assertEquals(-1, e.pid());
    }

    @Test
    void stopEscalatesToSigkillAfterTheTimeout() throws Exception {
        Path bin = fake("""
                trap '' TERM
                echo "postgresql://root@$addr/defaultdb?sslmode=disable" > "$urlfile"
                exec sleep 60
                """);
        try (CockroachNode node = CockroachNode.start(bin, new NativeLauncher(), tmp.resolve("nodes"),
                Duration.ofSeconds(20))) {
            Launcher.Stopped s = node.stop(Duration.ofMillis(300));
            assertTrue(s.killed(), s::toString);
            assertEquals(128 + 9, s.exitCode());
            assertTrue(s.nanos() >= 300_000_000L, s::toString);
            assertGone(node.pid());
        }
    }

    @Test
    void versionCapturesOutputAndWallTime() throws Exception {
        Path bin = fake("exit 1\n");
        CockroachNode.VersionResult v = CockroachNode.version(bin, new NativeLauncher(), tmp.resolve("v"),
                Duration.ofSeconds(20));
        assertTrue(v.ok(), v::toString);
        assertEquals(List.of(bin.toString(), "version"), v.command());
        assertTrue(v.output().contains("Build Tag:        v0.0.0-fake"), v.output());
        assertTrue(v.wallNanos() > 0);
        try (var s = Files.list(tmp.resolve("v"))) {
            assertEquals(0, s.count(), "the temporary directory is removed");
        }
    }

    @Test
    void prefixLauncherRunsTheCommandBehindThePrefix() throws Exception {
        PrefixLauncher env = new PrefixLauncher(List.of("env", "DETSIM_PREFIX_TEST=through-prefix"));
        assertEquals(List.of("env", "DETSIM_PREFIX_TEST=through-prefix", "sh", "-c", "x"),
                env.wrap(List.of("sh", "-c", "x")));
        Path log = tmp.resolve("prefix.log");
        Launcher.Handle h = env.start(List.of("sh", "-c", "echo \"$DETSIM_PREFIX_TEST\"; exit 7"), tmp, log);
        OptionalInt code = h.waitFor(Duration.ofSeconds(20));
        assertEquals(OptionalInt.of(7), code);
        assertEquals("through-prefix\n", Files.readString(log));

        // A whole node start and version through the prefix launcher (as detsim run -- will be used).
        Path bin = fake("""
                echo "postgresql://root@$addr/defaultdb?sslmode=disable" > "$urlfile"
                exec sleep 60
                """);
        try (CockroachNode node = CockroachNode.start(bin, new PrefixLauncher(List.of("env")), tmp.resolve("nodes"),
                Duration.ofSeconds(20))) {
            assertTrue(node.isAlive());
            assertTrue(node.pgUrl().startsWith("postgresql://root@127.0.0.1:"));
        }
        assertTrue(CockroachNode.version(bin, new PrefixLauncher(List.of("env")), tmp.resolve("v"),
                Duration.ofSeconds(20)).ok());
    }

    @Test
    void pgUrlsBecomeJdbcUrls() {
        assertEquals("jdbc:postgresql://127.0.0.1:26257/defaultdb?sslmode=disable&user=root",
                CockroachNode.toJdbcUrl("postgresql://root@127.0.0.1:26257/defaultdb?sslmode=disable"));
        assertEquals("jdbc:postgresql://localhost:5432/?user=u%40x&password=p+w",
                CockroachNode.toJdbcUrl("postgres://u%40x:p%20w@localhost:5432"));
        assertEquals("jdbc:postgresql://[::1]:26257/db", CockroachNode.toJdbcUrl("postgres://[::1]:26257/db"));
        assertThrows(IllegalArgumentException.class, () -> CockroachNode.toJdbcUrl("http://x/y"));
    }

    @Test
    void realCockroachStartsAndRunsTheWorkload() throws Exception {
        CockroachBinary.Resolution r = CockroachBinary.resolve(null, Map.copyOf(System.getenv()));
        if (r instanceof CockroachBinary.NotFound nf) {
            String reason = nf.reason().equals(CockroachBinary.NOT_FOUND_REASON)
                    ? "not run: cockroach binary not found (use COCKROACH_BINARY=PATH)"
                    : nf.reason();
            // Also on stderr: surefire's console summary only counts skipped tests, without the reason.
            System.err.println("CockroachNodeTest.realCockroachStartsAndRunsTheWorkload: " + reason);
            Assumptions.assumeTrue(false, reason);
        }
        Path bin = ((CockroachBinary.Found) r).path();

        CockroachNode.VersionResult v = CockroachNode.version(bin, new NativeLauncher());
        assertTrue(v.ok(), v::toString);
        assertTrue(v.output().contains("Build Tag"), v.output());

        try (CockroachNode node = CockroachNode.start(bin, new NativeLauncher(), tmp, Duration.ofSeconds(60))) {
            SqlWorkload w = new SqlWorkload(node.jdbcUrl());
            SqlWorkload.Result result = w.run();
            assertTrue(result.allOk(), result::summary);
            SqlWorkload.LatencyResult lat = w.runLatency(50);
            assertTrue(lat.allOk(), lat::toString);
            assertEquals(50, lat.pointSelectNanos().length);
            Launcher.Stopped stopped = node.stop(Duration.ofSeconds(30));
            assertFalse(stopped.killed(), () -> "cockroach needed SIGKILL; log tail " + node.logTail(20));
        }
    }
}
