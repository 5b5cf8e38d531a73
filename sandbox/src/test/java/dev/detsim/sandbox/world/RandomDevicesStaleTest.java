package dev.detsim.sandbox.world;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The random devices' directories that runs killed with SIGKILL left: removed when their pid is no detsim's. */
class RandomDevicesStaleTest {
    @TempDir
    Path dir;

    private Path made(String name) throws Exception {
        Path d = Files.createDirectories(dir.resolve(name));
        Files.writeString(d.resolve("random-1"), "left");
        return d;
    }

    @Test
    void removesTheDeadAndTheReusedKeepsLiveDetsimsAndItsOwn() throws Exception {
        Process finished = new ProcessBuilder("true").start();
        finished.waitFor();
        Process other = new ProcessBuilder("sleep", "30").start();
        Process detsimLike = new ProcessBuilder("sh", "-c", "sleep 30; : detsim").start();
        try {
            long own = ProcessHandle.current().pid();
            Path dead = made("detsim-random-" + finished.pid() + "-0");
            Path reused = made("detsim-random-" + other.pid() + "-3");
            Path live = made("detsim-random-" + detsimLike.pid() + "-0");
            Path mine = made("detsim-random-" + own + "-1");
            Path unrelated = made("detsim-machine-0123");
            RandomDevices.removeStale(dir, own);
            assertFalse(Files.exists(dead), "a dead run's directory");
            assertFalse(Files.exists(reused), "its pid is now a sleep's");
            assertTrue(Files.exists(live.resolve("random-1")), "a live detsim's");
            assertTrue(Files.exists(mine.resolve("random-1")), "this JVM's");
            assertTrue(Files.exists(unrelated.resolve("random-1")), "not a random devices' directory");
        } finally {
            other.destroyForcibly();
            detsimLike.destroyForcibly();
        }
    }

    @Test
    void readsThePidFromTheName() {
        assertEquals(1234, RandomDevices.pidOf("detsim-random-1234-0"));
        assertEquals(-1, RandomDevices.pidOf("detsim-random-x-0"));
        assertEquals(-1, RandomDevices.pidOf("detsim-random-"));
        assertEquals(-1, RandomDevices.pidOf("detsim-machine-12-0"));
    }
}
