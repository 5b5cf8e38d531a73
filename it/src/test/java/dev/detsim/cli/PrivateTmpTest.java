package dev.detsim.cli;

import static dev.detsim.cli.Programs.detsimRun;
import static dev.detsim.cli.Programs.verify;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 17 item 5: every verify run starts from an empty /tmp of its own (--tmp=private, verify's default), so
 * runs do not see each other's files; --tmp=shared shows the old leak, and verify says in words that the runs
 * saw different files. The scripts are given with sh -c: a script file under the test's /tmp directory would be
 * hidden from the program by its private /tmp.
 */
class PrivateTmpTest {
    @TempDir
    Path dir;

    private static final String MKTEMP = "d=$(mktemp -d /tmp/x.XXXX) && echo $d && ls -A /tmp";

    @Test
    void aMktempScriptVerifiesIdenticalInThreeRuns() throws IOException {
        Path keep = dir.resolve("runs");
        var r = verify("--runs", "3", "--keep", keep.toString(), "--", "sh", "-c", MKTEMP);
        assertEquals(0, r.status(), r.err());
        assertTrue(r.err().contains("detsim: verify: 3 runs identical: status 0"), r.err());
        String out = Files.readString(keep.resolve("run-1.stdout"));
        String made = out.lines().findFirst().orElseThrow();
        assertTrue(made.startsWith("/tmp/x."), out);
        assertEquals(made + "\n" + made.substring(5) + "\n", out, "the run's /tmp held only what it made");
        assertFalse(Files.exists(Path.of(made)), "the private /tmp is gone with the run");
    }

    @Test
    void sharedTmpShowsTheOldLeakAndVerifySaysSo() throws IOException {
        Path keep = dir.resolve("runs");
        try {
            var r = verify("--runs", "2", "--tmp=shared", "--keep", keep.toString(), "--", "sh", "-c", MKTEMP);
            assertEquals(1, r.status(), r.err());
            assertTrue(r.err().contains("detsim: verify: the runs saw different files: run 2 made the same mkdir"), r.err());
            assertTrue(r.err().contains("--tmp=private gives each run an empty one"), r.err());
        } finally {
            for (int i = 1; i <= 2; i++) {
                Path out = keep.resolve("run-" + i + ".stdout");
                if (Files.exists(out)) for (String d : Files.readAllLines(out)) if (d.startsWith("/tmp/x.")) delete(Path.of(d));
            }
        }
    }

    @Test
    void aPathRemovedAtTheStartIsNamedAsAFileThatExistsInOneRunOnly() throws IOException {
        String fixed = "/tmp/detsim-test-fixed-" + ProcessHandle.current().pid();
        String script = "rm -rf " + fixed + "; mkdir " + fixed + "; echo ok";
        try {
            var shared = verify("--runs", "2", "--tmp=shared", "--", "sh", "-c", script);
            assertEquals(1, shared.status(), shared.err());
            assertTrue(shared.err().contains("detsim: verify: the runs saw different files: newfstatat"), shared.err());
            assertTrue(shared.err().contains("the path exists in run 2, not in run 1"), shared.err());
            delete(Path.of(fixed));
            var own = verify("--runs", "2", "--", "sh", "-c", script);
            assertEquals(0, own.status(), own.err());
            assertFalse(Files.exists(Path.of(fixed)));
        } finally {
            delete(Path.of(fixed));
        }
    }

    /**
     * The JVM case: a JVM lists /tmp/hsperfdata_USER, where every JVM on the host (detsim's own, named by host
     * pid) keeps a file. ls stands in for the JVM: the runs' listings differ on the host's /tmp, and are the same
     * (nothing there) on their own.
     */
    @Test
    void aListingOfTheJvmsPerfDataDirectoryIsTheSameOnlyInAPrivateTmp() {
        String user = System.getProperty("user.name");
        String listing = "ls -A /tmp/hsperfdata_" + user + " 2>/dev/null; echo end";
        var shared = verify("--runs", "2", "--tmp=shared", "--", "sh", "-c", listing);
        assertEquals(1, shared.status(), shared.err());
        assertTrue(shared.err().contains("the runs saw different files: getdents64"), shared.err());
        var own = verify("--runs", "2", "--", "sh", "-c", listing);
        assertEquals(0, own.status(), own.err());
    }

    @Test
    void runKeepsTheHostsTmpUnlessAskedAndDetsimsOwnFilesStayReachable() throws IOException {
        var shared = detsimRun(List.of(), List.of("mktemp", "-d", "/tmp/x.XXXX"), null);
        assertEquals(0, shared.status(), shared.err());
        Path made = Path.of(shared.out().strip());
        try {
            assertTrue(Files.isDirectory(made), "plain run leaves its files in the host's /tmp");
        } finally {
            delete(made);
        }
        // Virtual /proc files and the random devices are opened by path in detsim's own directory (/dev/shm).
        var own = detsimRun(List.of("--tmp=private"), List.of("sh", "-c",
                "ls -A /tmp /var/tmp; grep -c 'vendor_id.*detsim' /proc/cpuinfo; head -c 16 /dev/urandom | wc -c"), null);
        assertEquals(0, own.status(), own.err());
        assertEquals("/tmp:\n\n/var/tmp:\n1\n16\n", own.out());
        assertEquals("", own.err());
    }

    @Test
    void aWorkingDirectoryUnderTmpStaysReachable() throws IOException {
        Files.writeString(dir.resolve("data"), "hello\n");
        var pb = new ProcessBuilder(Programs.detsimCommand(List.of("run", "--tmp=private", "--", "sh", "-c",
                "pwd; cat data; cat \"$(pwd)/data\"; ls -A /tmp | wc -l")));
        var r = Programs.run(pb.directory(dir.toFile()), null, Programs.DEFAULT_TIMEOUT);
        assertEquals(0, r.status(), r.err());
        assertEquals(dir.toRealPath() + "\nhello\nhello\n1\n", r.out());
    }

    @Test
    void aProgramUnderTmpOutsideTheWorkingDirectoryRunsWithTheHostsTmpAndDetsimSaysSo() throws IOException {
        Path program = Files.copy(Path.of("/bin/true"), dir.resolve("true-copy"));
        program.toFile().setExecutable(true);
        var r = verify("--runs", "2", "--", program.toString());
        assertEquals(0, r.status(), r.err());
        assertTrue(r.err().contains("warned: /tmp is the host's: " + program + " is under /tmp"), r.err());
    }

    @Test
    void badValueIsRefused() {
        var r = verify("--tmp=nope", "--", "true");
        assertEquals(2, r.status(), r.err());
        assertTrue(r.err().contains("--tmp must be 'private' or 'shared', not 'nope'"), r.err());
    }

    private static void delete(Path p) throws IOException {
        if (!Files.exists(p)) return;
        try (var paths = Files.walk(p)) {
            for (Path q : paths.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(q);
        }
    }
}
