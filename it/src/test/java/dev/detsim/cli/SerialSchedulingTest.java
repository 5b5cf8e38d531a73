package dev.detsim.cli;

import static dev.detsim.cli.Programs.detsimRun;
import static dev.detsim.cli.Programs.verify;
import static dev.detsim.cli.Programs.guest;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One thread at a time: the same interleaving every run, others with --chaos, deadlocks reported. */
class SerialSchedulingTest {
    /** Two writers whose lines interleave however the scheduler lets them. */
    private static final List<String> RACE = List.of("bash", "-c",
            "(for i in 1 2 3 4; do echo a$i; done) & (for i in 1 2 3 4; do echo b$i; done) & wait");

    @TempDir
    Path dir;

    @Test
    void threadedProgramsRepeatExactly() throws Exception {
        // Two producers and a consumer on a bounded queue, with sleeps: the order of the consumed items is
        // the interleaving. (pthread_join-based programs still differ: they wait on real thread ids.)
        Path program = dir.resolve("producer_consumer.py");
        try (var in = getClass().getResourceAsStream("/programs/producer_consumer.py")) {
            Files.write(program, in.readAllBytes());
        }
        var r = verify("--runs", "10", "--", "/usr/bin/python3", program.toString());
        assertEquals(0, r.status(), r.err());
        assertTrue(r.err().contains("10 runs identical"), r.err());
    }

    @Test
    void chaosSeedsExploreInterleavingsAndRepeat() {
        Set<String> outcomes = new HashSet<>();
        for (int seed = 1; seed <= 12; seed++) {
            outcomes.add(detsimRun(List.of("--chaos", "--seed=" + seed), RACE, null).out());
        }
        assertTrue(outcomes.size() >= 2, "chaos seeds gave one interleaving only: " + outcomes);
        List<String> repeat = new java.util.ArrayList<>(List.of("--runs", "3", "--chaos", "--seed=5", "--"));
        repeat.addAll(RACE);
        var r = verify(repeat.toArray(String[]::new));
        assertEquals(0, r.status(), r.err());
        assertTrue(r.err().contains("3 runs identical"), "a seed repeats its interleaving, event for event: " + r.err());
    }

    @Test
    void aLockOrderDeadlockIsReported() {
        String py = "import threading, time\n"
                + "a, b = threading.Lock(), threading.Lock()\n"
                + "def one():\n  with a:\n    time.sleep(0.1)\n    with b: pass\n"
                + "def two():\n  with b:\n    time.sleep(0.1)\n    with a: pass\n"
                + "t1 = threading.Thread(target=one); t2 = threading.Thread(target=two)\n"
                + "t1.start(); t2.start(); t1.join(); t2.join()\n";
        var r = detsimRun(List.of("/usr/bin/python3", "-c", py), null);
        assertEquals(86, r.status(), r.err());
        assertTrue(r.err().contains("detsim: deadlock at"), r.err());
        // main waits in join; the two workers wait on each other's lock.
        assertEquals(3, r.err().split("of process 1: wait on futex", -1).length - 1, r.err());
    }

    @Test
    void aSpinningThreadIsPreemptedAndTheRunSaysSo() throws Exception {
        Path stats = dir.resolve("stats.json");
        var r = detsimRun(List.of("--stats=" + stats, "--preempt-by=watchdog"), List.of(guest("spin_flag").toString()), null);
        assertEquals(0, r.status(), r.err());
        assertEquals("flag seen\n", r.out());
        assertTrue(r.err().matches("(?s).*detsim: \\d+ preemptions were not deterministic; this run may not replay.*"),
                r.err());
        assertTrue(Files.readString(stats).matches(".*\"nondeterministicPreemptions\":[1-9].*\\s*"), Files.readString(stats));
    }

    @Test
    void aThreadWaitingForTheDiskIsNotPreempted() throws Exception {
        // 256 MiB written straight to the disk while another thread could run: the writer waits in the kernel
        // longer than the watchdog's period, in a call that needs no other thread (issue 17, item 4).
        List<String> cmd = List.of(guest("slow_file_call").toString(), dir.toString());
        long start = System.nanoTime();
        var nat = Programs.nativeRun(cmd, null);
        long nativeMillis = (System.nanoTime() - start) / 1_000_000;
        assertEquals(0, nat.status(), nat.err());
        org.junit.jupiter.api.Assumptions.assumeTrue(nativeMillis > 150, "this machine's disk wrote 256 MiB in "
                + nativeMillis + " ms natively: too fast to keep a thread in the kernel past the watchdog's 100 ms");
        Path stats = dir.resolve("stats.json");
        var r = detsimRun(List.of("--stats=" + stats), cmd, null);
        assertEquals(0, r.status(), r.err());
        assertEquals("write returned 268435456\n", r.out());
        assertEquals(0, Programs.statsField(Files.readString(stats), "nondeterministicPreemptions"), r.err());
    }

    @Test
    void aThreadWhoseTimeIsTheKernelsIsNotPreempted() throws Exception {
        // One read of 1 GiB from /dev/zero into fresh memory while another thread could run: ~0.5 s of CPU, all
        // of it the kernel's. Preempting it would cut the read short (the stop is a signal) at a point the
        // host's speed decides; only user-mode spinning may be preempted.
        List<String> cmd = List.of(guest("kernel_work").toString());
        var nat = Programs.nativeRun(cmd, null);
        assertEquals("read returned 1073741824\n", nat.out(), nat.err());
        Path stats = dir.resolve("stats.json");
        var r = detsimRun(List.of("--stats=" + stats), cmd, null);
        assertEquals(0, r.status(), r.err());
        assertEquals(nat.out(), r.out());
        assertEquals(0, Programs.statsField(Files.readString(stats), "nondeterministicPreemptions"), r.err());
    }

    @Test
    void etcdAnswersClientsStartedInTheSameRun() {
        Path data = dir.resolve("etcd");
        String script = "etcd --data-dir " + data + " --listen-client-urls http://127.0.0.1:23799"
                + " --advertise-client-urls http://127.0.0.1:23799 --listen-peer-urls http://127.0.0.1:23809"
                + " > " + dir.resolve("etcd.log") + " 2>&1 &\n"
                + "export ETCDCTL_API=3; E=--endpoints=127.0.0.1:23799\n"
                + "until etcdctl $E endpoint health > /dev/null 2>&1; do sleep 0.2; done\n"
                + "etcdctl $E put greeting hello; etcdctl $E get greeting --print-value-only\n"
                + "kill %1; wait\n";
        var r = detsimRun(List.of("bash", "-c", script), null);
        assertEquals("OK\nhello\n", r.out(), r.err());
    }
}
