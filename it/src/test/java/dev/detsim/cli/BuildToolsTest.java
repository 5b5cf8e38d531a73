package dev.detsim.cli;

import static dev.detsim.cli.Programs.assertSameAsNative;
import static dev.detsim.cli.Programs.detsimRun;
import static dev.detsim.cli.Programs.guest;
import static dev.detsim.cli.Programs.verify;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Parallel builds, the first thing deterministic-build users run (issue 17, item 2): GNU make -j blocks
 * SIGCHLD and lets it in only through pselect6's signal mask, and a wait that nothing outside the traced tree
 * can end is a deadlock, reported, not a hang.
 */
class BuildToolsTest {
    @Test
    void waitsTakeTheSignalMaskTheirCallNames() {
        var r = assertSameAsNative(List.of(guest("wait_masks").toString()), null);
        assertTrue(r.out().contains("pselect: Interrupted system call, handler ran 1 time(s)"), r.out());
        var v = verify("--runs", "3", "--", guest("wait_masks").toString());
        assertEquals(0, v.status(), v.err());
    }

    @Test
    void makeWithParallelJobsBuildsTheSameArchiveEveryRun(@TempDir Path dir) throws Exception {
        Path src = Files.createDirectories(dir.resolve("src"));
        for (int i = 1; i <= 4; i++) Files.writeString(src.resolve("f" + i + ".c"), "int f" + i + "(void) { return " + i + "; }\n");
        Files.writeString(src.resolve("main.c"), """
                #include <stdio.h>
                int f1(void), f2(void), f3(void), f4(void);
                int main(void) { printf("%d\\n", f1() + f2() + f3() + f4()); return 0; }
                """);
        Files.writeString(src.resolve("Makefile"), """
                prog: main.o libf.a
                \tcc -o $@ main.o libf.a
                libf.a: f1.o f2.o f3.o f4.o
                \tar rcs $@ $^
                %.o: %.c
                \tcc -O2 -c $< -o $@
                """);
        for (String jobs : List.of("-j2", "-j4")) {
            Path work = dir.resolve("work");
            // Each run builds in a fresh copy and leaves nothing behind, so the runs start from the same files.
            String script = "cp -r " + src + " " + work + " && make -s " + jobs + " -C " + work + " && " + work
                    + "/prog && sha256sum " + work + "/libf.a " + work + "/prog | cut -c1-64; rm -rf " + work;
            var r = detsimRun(List.of("sh", "-c", script), null);
            assertEquals(0, r.status(), jobs + ": " + r.err());
            assertTrue(r.out().startsWith("10\n"), r.out());
            var v = verify("--runs", "3", "--", "sh", "-c", script);
            assertEquals(0, v.status(), jobs + ": " + v.err());
            assertTrue(v.err().contains("3 runs identical"), v.err());
        }
    }

    @Test
    void aWaitOnlyTheProgramItselfCouldEndIsADeadlock() {
        // Natively this reads forever: the one write end of the pipe is its own. Under detsim every thread waits,
        // nothing outside holds the pipe, so it is a deadlock (86) naming the wait, not a hang.
        var r = detsimRun(List.of("python3", "-c", "import os; r, w = os.pipe(); os.read(r, 1)"), null);
        assertEquals(86, r.status(), r.err());
        assertTrue(r.err().contains("wait for fd 3 readable of process 1"), r.err());
    }

    @Test
    void aWaitOnAPipeSomeoneOutsideHoldsWaitsForThem() throws Exception {
        // The same kind of read, on a pipe whose writer is this test, outside detsim, writing only after the
        // program has waited a while: not a deadlock, the program gets the line.
        List<String> cmd = new java.util.ArrayList<>(Programs.detsimCommand(List.of("run")));
        cmd.addAll(List.of("--", "sh", "-c", "read line; echo \"got $line\""));
        Process p = new ProcessBuilder(cmd).start();
        var out = Programs.drain(p.getInputStream());
        var err = Programs.drain(p.getErrorStream());
        Thread.sleep(1500);
        try (var in = p.getOutputStream()) {
            in.write("late\n".getBytes());
        }
        assertTrue(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), new String(err.join()));
        assertEquals("got late\n", new String(out.join()));
    }
}
