package dev.detsim.cli;

import static dev.detsim.cli.Programs.detsimCommand;
import static dev.detsim.cli.Programs.guest;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Signals sent to detsim reach the program; nothing traced outlives detsim, even after SIGKILL. */
class SignalsAndLifetimeTest {
    @TempDir
    Path dir;

    private static Process startDetsim(List<String> command) throws IOException {
        List<String> cmd = new ArrayList<>(detsimCommand(List.of("run", "--")));
        cmd.addAll(command);
        return new ProcessBuilder(cmd).redirectErrorStream(false).start();
    }

    private static String readLine(Process p) throws IOException {
        var reader = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line = reader.readLine();
        if (line == null) fail("detsim's program ended before it was ready");
        return line;
    }

    @Test
    void sigtermToDetsimReachesTheProgram() throws Exception {
        Process p = startDetsim(List.of("bash", "-c",
                "trap 'echo got TERM; exit 3' TERM; echo ready; while :; do sleep 0.05; done"));
        assertEquals("ready", readLine(p));
        Programs.signal(p, "TERM");
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "detsim ends after the program handles SIGTERM");
        assertEquals(3, p.exitValue());
        assertEquals("got TERM\n", new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    @Test
    void sigintKillsAnUnhandlingProgramWithStatus130() throws Exception {
        // cat waits for input that never comes (a sleep would not do: its 60 s are virtual and pass at once).
        Process p = startDetsim(List.of("bash", "-c", "echo ready; exec cat"));
        assertEquals("ready", readLine(p));
        Thread.sleep(200); // let bash exec cat
        Programs.signal(p, "INT");
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(130, p.exitValue());
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(err.contains("killed by signal SIGINT"), err);
    }

    @Test
    void sigkillOfDetsimLeavesNoTracedProcess() throws Exception {
        Path pidFile = dir.resolve("pids");
        Process p = startDetsim(List.of(guest("spawn_tree_sleep").toString(), pidFile.toString()));
        assertEquals("ready", readLine(p));
        // The program writes the pids it knows (its pid namespace's); the host knows them by others. Every
        // process under detsim, seen from the host: the namespace's init, the root, 3 children, a grandchild.
        int written = Files.readAllLines(pidFile).size();
        assertTrue(written >= 5, "3 children, a grandchild and a second thread wrote their ids");
        List<Long> pids = new ArrayList<>(p.toHandle().descendants().map(ProcessHandle::pid).toList());
        assertTrue(pids.size() >= 6, "init, root, 3 children and a grandchild: " + pids);
        for (long pid : pids) assertTrue(alive(pid), pid + " runs before detsim is killed");

        p.destroyForcibly(); // SIGKILL: detsim cannot clean up; the kernel must (PTRACE_O_EXITKILL)
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        List<Long> survivors = pids;
        while (System.nanoTime() < deadline) {
            survivors = pids.stream().filter(SignalsAndLifetimeTest::alive).toList();
            if (survivors.isEmpty()) break;
            Thread.sleep(50);
        }
        assertEquals(List.of(), survivors, "traced processes alive after detsim was SIGKILLed");
    }

    @Test
    void processesLeftRunningWhenTheProgramExitsAreKilled() throws Exception {
        // A sleep with a duration no other process on the host has, so that the host can look for it by name.
        String duration = "300." + ProcessHandle.current().pid();
        var r = Programs.detsimRun(List.of("bash", "-c", "sleep " + duration + " & echo started"), null);
        assertEquals(0, r.status(), r.err());
        assertEquals("started\n", r.out());
        assertTrue(r.err().contains("exited leaving 1 traced process(es) running; detsim killed them"), r.err());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (sleepsFor(duration) && System.nanoTime() < deadline) Thread.sleep(50);
        assertTrue(!sleepsFor(duration), "the background sleep outlived detsim");
    }

    private static boolean sleepsFor(String duration) {
        return ProcessHandle.allProcesses().anyMatch(h -> h.info().arguments()
                .map(a -> a.length == 1 && a[0].equals(duration)).orElse(false));
    }

    @Test
    void leftoversAreCountedAsProcessesNotThreads() {
        // One leftover process with 16 threads, all waiting forever on events nobody sets.
        String py = "import threading\n"
                + "for _ in range(15): threading.Thread(target=threading.Event().wait).start()\n"
                + "threading.Event().wait()\n";
        var r = Programs.detsimRun(List.of("bash", "-c",
                "(python3 -c '" + py + "' &) ; sleep 0.3; echo started"), null);
        assertEquals(0, r.status(), r.err());
        assertTrue(r.err().contains("exited leaving 1 traced process(es) running; detsim killed them"), r.err());
    }

    /** Alive and not a zombie waiting for its parent to reap it. */
    static boolean alive(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            char state = stat.charAt(stat.lastIndexOf(')') + 2);
            return state != 'Z' && state != 'X';
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * A fatal signal kills every thread of a process, and the kernel reports their deaths in an order of its own:
     * the log's one exit event must not depend on it (before: "thread 43 exit killed" in one run, 45 in another).
     */
    @Test
    void aProcessKilledWithManyThreadsLogsItsDeathTheSameInEveryRun() {
        var r = Programs.verify("--runs", "4", "--", "python3", "-c", "import threading, os, time; [threading.Thread("
                + "target=time.sleep, args=(100,)).start() for _ in range(4)]; time.sleep(0.5); os.kill(os.getpid(), 9)");
        assertEquals(0, r.status(), r.err());
        assertTrue(r.err().contains("4 runs identical: status 137"), r.err());
    }
}
