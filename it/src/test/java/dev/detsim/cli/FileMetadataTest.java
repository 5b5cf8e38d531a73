package dev.detsim.cli;

import static dev.detsim.cli.Programs.detsimCommand;
import static dev.detsim.cli.Programs.detsimRun;
import static dev.detsim.cli.Programs.guest;
import static dev.detsim.cli.Programs.nativeRun;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * File metadata under detsim: virtual inode and device numbers, the virtual times of the run's changes (the
 * epoch for files from before the run), directories in name order, a fixed statfs. Every program runs five
 * times under one seed with detsim verify (status, output and event logs identical), and natively, to show
 * that what detsim reports is not the host's.
 */
class FileMetadataTest {
    private static final String EPOCH = "946684800.000000000";
    private static final BigDecimal EPOCH_SECONDS = new BigDecimal(EPOCH);

    @TempDir
    Path dir;

    /** detsim verify --runs 5 --seed 5 -- command, keeping the outputs; returns run 1's stdout. */
    private String verifyFiveRuns(List<String> command) throws IOException {
        Path keep = dir.resolve("runs");
        List<String> cmd = new ArrayList<>(detsimCommand(List.of("verify", "--runs", "5", "--seed", "5",
                "--keep", keep.toString(), "--")));
        cmd.addAll(command);
        // From the test's directory (under /tmp): verify's private /tmp keeps the working directory, so the
        // absolute paths into it the commands use still lead there.
        var r = Programs.run(new ProcessBuilder(cmd).directory(dir.toFile()), null, Programs.DEFAULT_TIMEOUT);
        assertEquals(0, r.status(), r.err());
        assertTrue(r.err().contains("detsim: verify: 5 runs identical: status 0"), r.err());
        return Files.readString(keep.resolve("run-1.stdout"));
    }

    private static String line(String output, String prefix) {
        return output.lines().filter(l -> l.startsWith(prefix)).findFirst()
                .orElseThrow(() -> new AssertionError("no line starting '" + prefix + "' in:\n" + output));
    }

    private static List<String> lines(String output, String prefix) {
        return output.lines().filter(l -> l.startsWith(prefix)).toList();
    }

    /** The key=value fields of one line of the files guest. */
    private static Map<String, String> fields(String line) {
        Map<String, String> m = new HashMap<>();
        for (String word : line.split(" ")) {
            int eq = word.indexOf('=');
            if (eq > 0) m.put(word.substring(0, eq), word.substring(eq + 1));
        }
        m.put("name", line.split(" ")[1]);
        return m;
    }

    private static BigDecimal time(Map<String, String> f, String which) {
        return new BigDecimal(f.get(which));
    }

    @Test
    void statAndDirectoriesAreVirtualAndTheSameEveryRun() throws IOException {
        Path det = Files.createDirectory(dir.resolve("det")), nat = Files.createDirectory(dir.resolve("nat"));
        String out = verifyFiveRuns(List.of(guest("files").toString(), det.toString()));
        var nativeRun = nativeRun(List.of(guest("files").toString(), nat.toString()), null);
        assertEquals(0, nativeRun.status(), nativeRun.err());
        String host = nativeRun.out();

        // A file from before the run shows the epoch; natively its own times and inode.
        Map<String, String> passwd = fields(line(out, "before-run /etc/passwd"));
        for (String t : List.of("atime", "mtime", "ctime")) assertEquals(EPOCH, passwd.get(t), t);
        Map<String, String> hostPasswd = fields(line(host, "before-run /etc/passwd"));
        assertNotEquals(hostPasswd.get("mtime"), passwd.get("mtime"));
        assertNotEquals(hostPasswd.get("ino"), passwd.get("ino"));
        assertNotEquals(hostPasswd.get("dev"), passwd.get("dev"));
        assertTrue(passwd.get("dev").startsWith("0:"), passwd.get("dev"));

        // Files created in the run: every inode and device number virtual, the times those of the changes,
        // later than the epoch and in the order the program made them.
        List<Map<String, String>> created = lines(out, "created ").stream().map(FileMetadataTest::fields).toList();
        List<Map<String, String>> hostCreated = lines(host, "created ").stream().map(FileMetadataTest::fields).toList();
        assertEquals(40, created.size());
        BigDecimal last = EPOCH_SECONDS;
        for (int i = 0; i < created.size(); i++) {
            Map<String, String> f = created.get(i), h = hostCreated.get(i);
            assertEquals(h.get("name"), f.get("name"));
            assertNotEquals(h.get("ino"), f.get("ino"), f.get("name") + ": the inode number is virtual");
            assertEquals(passwd.get("dev"), f.get("dev"), "one virtual device for the one host file system");
            assertEquals(h.get("size"), f.get("size"), "sizes are the host's");
            assertTrue(time(f, "atime").compareTo(last) > 0, f + " created after " + last);
            assertTrue(time(f, "ctime").compareTo(time(f, "atime")) >= 0, f.toString());
            last = time(f, "ctime");
        }
        assertEquals(40, created.stream().map(f -> f.get("ino")).distinct().count());

        // Later changes, each stamped in turn: append, truncate, chmod, rename, link, symlink, mkdir, utimensat.
        Map<String, Map<String, String>> changed = new HashMap<>();
        for (String l : lines(out, "changed ")) changed.put(fields(l).get("name"), fields(l));
        for (String name : List.of("f02", "f03", "f04", "renamed", "f06", "link", "sub", "f09")) {
            BigDecimal ctime = time(changed.get(name), "ctime");
            assertTrue(ctime.compareTo(last) > 0, name + " changed at " + ctime + ", after " + last);
            last = ctime;
        }
        assertEquals(changed.get("f06").get("ino"), changed.get("hard").get("ino"), "a hard link is the same inode");
        assertEquals(changed.get("f02").get("mtime"), changed.get("f02").get("ctime"), "a write stamps mtime and ctime");
        assertNotEquals(changed.get("f04").get("mtime"), changed.get("f04").get("ctime"), "chmod stamps ctime only");
        assertEquals("1111111111.500000000", changed.get("f09").get("atime"), "times the program sets are shown");
        assertEquals("1234567890.123456789", changed.get("f09").get("mtime"));
        BigDecimal dirMtime = time(changed.get("."), "mtime");
        assertTrue(dirMtime.compareTo(time(changed.get("sub"), "ctime")) > 0
                && dirMtime.compareTo(time(changed.get("f09"), "ctime")) < 0, "the unlink between them changed the directory");
        assertEquals(fields(line(out, "fstat f02")).get("mtime"), changed.get("f02").get("mtime"), "fstat agrees");
        Map<String, String> f06 = created.stream().filter(f -> f.get("name").equals("f06")).findFirst().orElseThrow();
        assertEquals("statx f06 ino=" + changed.get("f06").get("ino") + " same-as-stat=yes dev=" + f06.get("dev")
                + " same-as-stat=yes btime=" + f06.get("atime") + " mtime=" + f06.get("mtime"), line(out, "statx "));

        // The directory, in name order across every 128-byte buffer, with d_ino the virtual inode numbers.
        List<String> listed = Arrays.asList(line(out, "getdents64:").substring("getdents64: ".length()).split(" "));
        List<String> sorted = new ArrayList<>(listed);
        sorted.sort((a, b) -> Arrays.compareUnsigned(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8)));
        assertEquals(sorted, listed);
        List<String> hostListed = new ArrayList<>(Arrays.asList(
                line(host, "getdents64:").substring("getdents64: ".length()).split(" ")));
        hostListed.sort((a, b) -> Arrays.compareUnsigned(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8)));
        assertEquals(hostListed, listed, "the same entries as on the host");
        String[] calls = line(out, "getdents64 entries").split(" ");
        assertEquals("getdents64 entries 44 calls " + calls[4] + " d_ino-mismatches 0", String.join(" ", calls));
        assertTrue(Integer.parseInt(calls[4]) > 5, "the entries crossed many small buffers: " + calls[4]);
        assertEquals("readdir: " + String.join(" ", listed), line(out, "readdir:"));
        assertEquals("after the end: 0; 16-byte buffer: -1 Invalid argument", line(out, "after the end"));
        assertEquals("seekdir to entry 6: " + listed.get(5) + " (was " + listed.get(5) + ")", line(out, "seekdir"));
        assertEquals("after rewinddir: 45 entries, new file listed", line(out, "after rewinddir"));
        assertTrue(line(out, "reused descriptor").endsWith(" lists: . .. inner"), line(out, "reused descriptor"));

        // statfs: one fixed file system; errors stay the kernel's.
        String statfs = "statfs type=ef53 bsize=4096 blocks=26214400 bfree=20971520 bavail=20971520 files=6553600"
                + " ffree=6000000 fsid=0:0 namelen=255";
        assertEquals(statfs, line(out, "statfs type"));
        assertNotEquals(statfs, line(host, "statfs type"));
        assertEquals("statfs of a missing path: No such file or directory", line(out, "statfs of a missing"));
        assertEquals("stat of a missing path: No such file or directory", line(out, "stat of a missing"));
    }

    /**
     * pwrite64 and the other calls that only put data into a file do not stop (detsim watches the files the
     * program opens for writing with inotify and reads the watch at its next stop), yet each still moves the
     * file's times, whichever thread or process writes and however the file was opened; a read does not.
     */
    @Test
    void everyWayOfWritingMovesTheTimesWithoutStoppingTheWrites() throws IOException {
        String out = verifyFiveRuns(List.of(guest("file_writes").toString(), dir.toString()));
        List<String> ways = List.of("pwrite64", "pwritev", "pwritev2", "write", "ftruncate", "fallocate",
                "copy_file_range", "sendfile", "splice", "thread-pwrite64", "child-pwrite64", "reopened-pwrite64",
                "tmpfile-pwrite64");
        for (String way : ways) assertEquals(way + " mtime-advanced=yes ctime-is-mtime=yes", line(out, way + " "));
        assertEquals("pread mtime-advanced=no ctime-is-mtime=yes", line(out, "pread "));
        assertEquals("clock-order before<=mtime<=after", line(out, "clock-order"), "times agree with the clock");
        // verify's runs write stdout into files it opened: a regular file the program inherited, watched too.
        assertEquals("stdout-write mtime-advanced=yes ctime-is-mtime=yes", line(out, "stdout-write"));

        // The event log shows which calls stopped: none of the data writes but write (it stops for pipes,
        // which may block).
        Path stdout = dir.resolve("stdout.txt"), events = dir.resolve("events.log");
        List<String> cmd = new ArrayList<>(detsimCommand(List.of("run", "--events=" + events, "--")));
        cmd.addAll(List.of(guest("file_writes").toString(), dir.toString()));
        var r = Programs.run(new ProcessBuilder(cmd).redirectOutput(stdout.toFile()), null, Programs.DEFAULT_TIMEOUT);
        assertEquals(0, r.status(), r.err());
        assertEquals("", r.err());
        assertEquals(out, Files.readString(stdout));
        List<String> stopped = Files.readAllLines(events).stream().filter(l -> l.contains("\tsyscall\t"))
                .map(l -> l.split("\t")[3].replaceAll("\\(.*", "")).distinct().toList();
        for (String quiet : List.of("pwrite64", "pwritev", "pwritev2", "ftruncate", "fallocate", "copy_file_range",
                "sendfile", "splice")) {
            assertTrue(!stopped.contains(quiet), quiet + " stopped: " + stopped);
        }
        assertTrue(stopped.contains("write") && stopped.contains("newfstatat"), stopped.toString());
    }

    /**
     * More distinct writes between two stops than the kernel's inotify queue holds: the kernel drops the later
     * events, so detsim takes every watched file as written, and says so; the same run below the limit does
     * not warn.
     */
    @Test
    void anOverflowingWriteWatchCountsEveryWatchedFileAsWritten() throws IOException {
        // readAllLines, not readString: on this JDK readString of a /proc/sys file returned its first byte only.
        long limit = Long.parseLong(Files.readAllLines(Path.of("/proc/sys/fs/inotify/max_queued_events")).get(0).trim());
        String guest = guest("file_writes").toString();
        var over = detsimRun(List.of(guest, dir.toString(), "alternate", Long.toString(limit)), null);
        assertEquals(0, over.status(), over.err());
        assertEquals("after-alternating mtime-advanced=yes ctime-is-mtime=yes", over.out().strip(), over.err());
        assertTrue(over.err().contains("detsim: warning: a thread wrote to files more often between two stops than"
                + " the kernel's inotify queue holds"), "limit " + limit + ": " + over.err());
        var under = detsimRun(List.of(guest, dir.toString(), "alternate", "100"), null);
        assertEquals(0, under.status(), under.err());
        assertEquals("after-alternating mtime-advanced=yes ctime-is-mtime=yes", under.out().strip());
        assertEquals("", under.err());
    }

    @Test
    void lsShowsVirtualInodesAndTimes() throws IOException {
        String script = """
                export TZ=UTC LC_ALL=C
                cd "$1" && mkdir -p x/d && cd x/d
                touch b a c && echo hi > a && mkdir sub && ln -s a link && ln a hard
                ls -li --full-time
                cd ../.. && rm -rf x
                """;
        String out = verifyFiveRuns(List.of("bash", "-c", script, "bash", dir.toString()));
        String host = nativeRun(List.of("bash", "-c", script, "bash", dir.toString()), null).out();
        assertNotEquals(host, out);
        Map<String, String[]> rows = new HashMap<>();
        for (String l : out.lines().skip(1).toList()) rows.put(l.split(" +")[9], l.split(" +"));
        assertEquals(6, rows.size(), out);
        assertEquals(rows.get("a")[0], rows.get("hard")[0], "a and hard are one inode");
        for (String[] row : rows.values()) {
            assertTrue(Long.parseLong(row[0]) < 1000, "a virtual inode number: " + String.join(" ", row));
            assertEquals("2000-01-01", row[6], String.join(" ", row));
        }
        // touch made b, a, c in that order; the echo then wrote a.
        assertTrue(rows.get("b")[7].compareTo(rows.get("c")[7]) < 0, out);
        assertTrue(rows.get("c")[7].compareTo(rows.get("a")[7]) < 0, out);
        assertTrue(rows.get("a")[7].compareTo(rows.get("sub")[7]) < 0, out);
        for (String l : host.lines().skip(1).toList()) {
            String[] row = l.split(" +");
            assertNotEquals(rows.get(row[9])[0], row[0], "natively the host's inode number: " + l);
        }
    }

    @Test
    void tarOfFilesMadeInTheRunIsByteIdentical() throws IOException {
        String script = """
                export TZ=UTC LC_ALL=C
                cd "$1" && mkdir -p t/src/sub && cd t
                for f in zeta alpha mid; do echo "file $f" > src/$f; done
                echo deep > src/sub/deep && ln -s alpha src/ln
                tar cf a.tar src && gzip -n -c a.tar > a.tar.gz
                sha256sum a.tar a.tar.gz
                tar tvf a.tar
                cd .. && rm -rf t
                """;
        String out = verifyFiveRuns(List.of("bash", "-c", script, "bash", dir.toString()));
        String host = nativeRun(List.of("bash", "-c", script, "bash", dir.toString()), null).out();
        assertNotEquals(line(host, "").substring(0, 64), line(out, "").substring(0, 64), "natively the archive differs");
        List<String> listing = out.lines().skip(2)
                .map(l -> String.join(" ", Arrays.asList(l.split(" +")).subList(5, l.split(" +").length))).toList();
        assertEquals(List.of("src/", "src/alpha", "src/ln -> alpha", "src/mid", "src/sub/", "src/sub/deep", "src/zeta"),
                listing, "tar walks the directory in name order");
        for (String l : out.lines().skip(2).toList()) assertTrue(l.contains(" 2000-01-01 00:00 "), l);

        // tar czf runs gzip as a second process alongside tar, so the event logs of runs part where the two
        // interleave (until the scheduler serialises them); the archive itself is the same every time.
        String czf = """
                cd "$1" && mkdir -p z/src && cd z && echo one > src/b && echo two > src/a
                tar czf a.tgz src && sha256sum a.tgz && cd .. && rm -rf z
                """;
        String first = null;
        for (int i = 0; i < 5; i++) {
            var r = detsimRun(List.of("--seed=5"), List.of("bash", "-c", czf, "bash", dir.toString()), null);
            assertEquals(0, r.status(), r.err());
            if (first == null) first = r.out();
            assertEquals(first, r.out(), "run " + (i + 1));
        }
    }

    @Test
    void selfLinksNameTheProgramNotDetsim() {
        String script = """
                cd "$1" && echo 1234 > f && exec 3< f
                stat -L -c '%F %s %i' /dev/fd/3 /proc/self/fd/3 f /dev/stdin < f
                rm f
                """;
        var r = detsimRun(List.of("bash", "-c", script, "bash", dir.toString()), null);
        assertEquals(0, r.status(), r.err());
        List<String> lines = r.out().lines().toList();
        assertEquals(4, lines.size(), r.out());
        assertTrue(lines.get(0).startsWith("regular file 5 "), r.out());
        assertEquals(1, lines.stream().distinct().count(), "one file, however it is named: " + r.out());
    }

    @Test
    void aDirectorysLinkCountDoesNotCountWhatOtherProcessesMakeInIt() throws IOException {
        // The host's count is 2 + subdirectories: a mkdir in /tmp by anything else changed every run that lstats
        // /tmp (sqlite3 does, for each component of a database's path). detsim shows 1.
        Path shared = dir.resolve("shared");
        Files.createDirectories(shared.resolve("a"));
        List<String> cmd = List.of("stat", "-c", "%h", shared.toString(), shared.resolve("a").toString());
        var before = detsimRun(List.of("--digest"), cmd, null);
        Files.createDirectory(shared.resolve("b")); // natively, between the runs
        var after = detsimRun(List.of("--digest"), cmd, null);
        assertEquals(0, before.status(), before.err());
        assertEquals("1\n1\n", before.out());
        assertEquals(before.out(), after.out());
        assertEquals(before.err(), after.err(), "the event logs' digests");
        assertEquals("4\n", nativeRun(List.of("stat", "-c", "%h", shared.toString()), null).out());
    }
}
