package dev.detsim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Issue 19: a recording of a failing run made on one kind of machine replays on another. The repository keeps
 * recordings made on each host kind detsim has run on (it/src/test/resources/recordings/lost-update-KIND, made
 * by record-lost-update.sh there): a lost update under a chaos seed, recorded with --portable. CI runs on
 * whichever host it gets, so over time each recording is replayed on the other kinds too; the test prints which.
 */
class CrossHostReplayTest {
    @Test
    void lostUpdateRecordingsFromEveryHostKindReplayHere() throws Exception {
        Path dir = Path.of("src/test/resources/recordings").toAbsolutePath();
        List<Path> recordings;
        try (var list = Files.list(dir)) {
            recordings = list.filter(p -> p.getFileName().toString().startsWith("lost-update-")).sorted().toList();
        }
        assertFalse(recordings.isEmpty(), "no recordings in " + dir);
        String here = Files.readString(Path.of("/proc/cpuinfo")).lines().filter(l -> l.startsWith("flags"))
                .findFirst().orElse("").contains(" pcid") ? "pcid" : "no pcid";
        for (Path rec : recordings) {
            var r = Recordings.detsim(Path.of("/"), null, "replay", rec.toString());
            System.out.println("CrossHostReplayTest: " + rec.getFileName() + " replayed on a host with " + here
                    + " (kernel " + System.getProperty("os.version") + "): status " + r.status());
            assertEquals(1, r.status(), rec + ": " + r.err());
            assertTrue(r.out().startsWith("count ") && !r.out().equals("count 20\n"), "the lost update: " + r.out());
            assertTrue(r.err().contains("detsim: replay: identical, "), rec + ": " + r.err());
        }
    }
}
