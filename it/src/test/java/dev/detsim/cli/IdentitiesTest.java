package dev.detsim.cli;

import static dev.detsim.cli.Programs.detsimRun;
import static dev.detsim.cli.Programs.guest;
import static dev.detsim.cli.Programs.nativeRun;
import static dev.detsim.cli.Programs.verify;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pids and tids come from a pid namespace of the run's own (the program is pid 2, every fork and thread is
 * numbered in the order detsim runs them), /proc agrees with them, and a Go program — whose runtime seeds map
 * order and select choices from rdtsc — prints the same bytes every run.
 */
class IdentitiesTest {
    /** Pids of the shell, its parent, two children in turn, a thread of python's, and what /proc shows. */
    private static final String PIDS = "echo $$ $PPID; sh -c 'echo child $$'; sh -c 'echo child $$';"
            + " /usr/bin/python3 -c 'import os, threading; t = threading.Thread(target=lambda: print(\"tid\","
            + " threading.get_native_id())); t.start(); t.join(); print(\"python\", os.getpid())';";
    private static final String IDS = PIDS
            + " grep -E '^(Pid|PPid):' /proc/self/status | tr -s '\\t' ' '; echo /proc/[0-9]* | wc -w";

    @TempDir
    Path dir;

    @Test
    void pidsAreNumberedByCreationAndProcAgrees() {
        var r = detsimRun(List.of("bash", "-c", IDS), null);
        assertEquals(0, r.status(), r.err());
        assertEquals("2 1\nchild 3\nchild 4\ntid 6\npython 5\nPid: 7\nPPid: 2\n4\n", r.out(),
                "bash is pid 2 under the namespace's init; /proc lists init, bash, the subshell and wc");
        // /proc's own link count counts every process on the host: detsim shows 1, so ls and grep of
        // /proc leave the same event log in every run.
        var again = verify("--runs", "5", "--", "bash", "-c", IDS + " ls -ld /proc | cut -c1-12");
        assertEquals(0, again.status(), again.err());
        assertTrue(again.err().contains("5 runs identical"), again.err());
        var natively = nativeRun(List.of("bash", "-c", IDS), null);
        assertFalse(natively.out().startsWith("2 1\n"), "natively bash has the host's pid: " + natively.out());
    }

    @Test
    void waitingForAChildByItsPidWorksInTheNamespace() {
        // `wait $!` passes the child's pid as the program knows it to wait4; detsim must find that child.
        var r = detsimRun(List.of("bash", "-c", "(exit 7) & wait $!; echo first $?; sleep 2 & s=$!; (exit 3) & wait $s;"
                + " echo second $?; wait; echo done"), null);
        assertEquals(0, r.status(), r.err());
        assertEquals("first 7\nsecond 0\ndone\n", r.out());
        assertFalse(r.err().contains("not deterministic"), "no wait went to the kernel and needed the watchdog: "
                + r.err());
    }

    @Test
    void pthreadJoinAndShellJobsRepeatTheirEventLogs() {
        // pthread_join waits on the tid word the kernel clears; bash passes child pids to wait4: with host pids
        // both made the event logs differ between runs.
        var threads = verify("--runs", "5", "--", guest("pthreads").toString());
        assertEquals(0, threads.status(), threads.err());
        var jobs = verify("--runs", "5", "--", "bash", "-c", "for i in 1 2 3; do (echo job $i) & done; wait");
        assertEquals(0, jobs.status(), jobs.err());
        assertTrue(jobs.err().contains("5 runs identical"), jobs.err());
    }

    @Test
    void hostPidsOptionShowsTheHostsPids() {
        var r = detsimRun(List.of("--host-pids"), List.of("bash", "-c", "echo $$"), null);
        assertEquals(0, r.status(), r.err());
        assertTrue(Integer.parseInt(r.out().trim()) > 2, r.out());
    }

    @Test
    void goProgramsWorldIsTheSameEveryRunAndComesFromTheSeed() throws Exception {
        String goworld = guest("goworld").toString();
        var a = nativeRun(List.of(goworld), null);
        var b = nativeRun(List.of(goworld), null);
        assertEquals(0, a.status(), a.err());
        assertNotEquals(a.out(), b.out(), "natively the clock, crypto/rand, the pid and fastrand differ");

        var v = verify("--runs", "5", "--", goworld);
        assertEquals(0, v.status(), v.err());
        assertTrue(v.err().contains("5 runs identical"), v.err());

        Path events = dir.resolve("events");
        var one = detsimRun(List.of("--events=" + events), List.of(goworld), null);
        List<String> lines = Arrays.asList(one.out().split("\n"));
        assertTrue(lines.get(0).startsWith("time.Now: 2000-01-01T00:00:00.0"), one.out());
        assertTrue(lines.contains("pid: 2"), one.out());
        assertTrue(Files.readString(events).contains("rdtsc-sites-patched=2"),
                "runtime.cputicks' RDTSCP and RDTSC were patched at exec");

        var seven = detsimRun(List.of("--seed=7"), List.of(goworld), null);
        assertNotEquals(line(one.out(), "crypto/rand:"), line(seven.out(), "crypto/rand:"), "crypto/rand is seeded");
        assertNotEquals(line(one.out(), "map order:"), line(seven.out(), "map order:"), "map order is seeded");
    }

    private static String line(String out, String prefix) {
        return out.lines().filter(l -> l.startsWith(prefix)).findFirst().orElse("(none)");
    }
}
