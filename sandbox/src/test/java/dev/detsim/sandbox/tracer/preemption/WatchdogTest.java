package dev.detsim.sandbox.tracer.preemption;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The watchdog's measure of a thread's own spinning: user-mode CPU time, read from /proc for any thread. */
class WatchdogTest {
    @Test
    void userTicksAreTheFourteenthFieldWhateverTheName() {
        String stat = "4242 (a) b (c)) R 1 4242 4242 0 -1 4194560 120 0 0 0 37 5 0 0 20 0 1 0 100 0 0";
        assertEquals(37, Watchdog.userTicks(stat));
        assertEquals(-1, Watchdog.userTicks("garbage"));
    }

    @Test
    void aThreadOfAnotherProcessCanBeMeasured() throws Exception {
        // A process spinning in user mode for ~300 ms: its thread shows that much user time to detsim.
        Process p = new ProcessBuilder("sh", "-c", "i=0; while [ $i -lt 200000 ]; do i=$((i+1)); done").start();
        long tid = p.pid(), max = 0;
        while (p.isAlive()) {
            max = Math.max(max, Watchdog.userCpuNanos((int) tid));
            Thread.sleep(5);
        }
        assertTrue(max > 0, "user CPU of pid " + tid + " was never seen: " + max);
    }
}
