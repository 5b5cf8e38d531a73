package dev.detsim.cli;

import static dev.detsim.cli.Programs.detsimCommand;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * A run killed with SIGKILL cannot remove its /dev/shm/detsim-random-PID-N directory; the next run does, since
 * no detsim has that pid any more.
 */
class StaleRandomDevicesTest {
    private static List<Path> randomDirsOf(long pid) throws Exception {
        try (Stream<Path> s = Files.list(Path.of("/dev/shm"))) {
            return s.filter(p -> p.getFileName().toString().startsWith("detsim-random-" + pid + "-")).toList();
        }
    }

    @Test
    void theNextRunRemovesWhatAKilledRunLeft() throws Exception {
        Process killed = new ProcessBuilder(detsimCommand(List.of("run", "--", "sh", "-c",
                "head -c 8 /dev/urandom > /dev/null; echo ready; sleep 60"))).redirectErrorStream(true).start();
        try {
            var ready = new java.io.BufferedReader(new java.io.InputStreamReader(killed.getInputStream())).readLine();
            assertEquals("ready", ready);
            assertFalse(randomDirsOf(killed.pid()).isEmpty(), "the running detsim's directory");
            killed.destroyForcibly(); // SIGKILL: no clean-up
            killed.waitFor();
            assertFalse(randomDirsOf(killed.pid()).isEmpty(), "a killed run leaves its directory");
        } finally {
            killed.destroyForcibly();
        }
        var next = Programs.detsimRun(List.of("true"), null);
        assertEquals(0, next.status(), next.err());
        assertTrue(randomDirsOf(killed.pid()).isEmpty(), "the next run removed it: " + randomDirsOf(killed.pid()));
    }
}
