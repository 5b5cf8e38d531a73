package dev.detsim.recorder.bugs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several processes adding to one bug base at once (searches, shards, bugs merge): every seed and history line
 * is kept, and entry.json is always whole. The writers are JVMs of their own, as real searches are, each adding
 * to one entry (one signature) as fast as it can, while this process reads the entry over and over.
 */
class ConcurrentWritersTest {
    private static final int WRITERS = 4, SEEDS_EACH = 40;
    private static final Signature LOST = new Signature("exit 1", "exit", null, "lost an update", null);

    @TempDir
    Path tmp;

    /** A writer process: adds seeds first .. first+count-1, one entry each, with a recording and a log. */
    public static void main(String[] args) throws Exception {
        BugBase base = new BugBase(Path.of(args[0]));
        long first = Long.parseLong(args[1]), count = Long.parseLong(args[2]);
        Path scratch = Files.createTempDirectory("writer");
        for (long seed = first; seed < first + count; seed++) {
            Path recording = Files.createDirectories(scratch.resolve("rec-" + seed));
            Files.writeString(recording.resolve("recording.json"), "{\"seed\":" + seed + "}");
            Path log = Files.writeString(scratch.resolve("log-" + seed), "log of " + seed);
            base.add(entry(seed), recording, Map.of("logs/seed-" + seed + "-first.events", log));
        }
    }

    static BugEntry entry(long seed) {
        return new BugEntry(LOST.idFor(BugEntry.BUG), BugEntry.BUG, LOST, List.of(seed), List.of("racy"),
                List.of("--chaos"), List.of(), "test", BugBase.RECORDING, seed, null,
                List.of("logs/seed-" + seed + "-first.events"),
                List.of(new BugEntry.Rerun("2026-01-01T00:00:00Z", seed, "first", "exit 1"),
                        new BugEntry.Rerun("2026-01-01T00:00:01Z", seed, "re-run 1", "exit 1")));
    }

    @Test
    void writersInOtherProcessesLoseNothing() throws Exception {
        Path dir = tmp.resolve("bugs");
        List<Process> writers = new ArrayList<>();
        for (int w = 0; w < WRITERS; w++) {
            writers.add(new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "-cp",
                    System.getProperty("java.class.path"), ConcurrentWritersTest.class.getName(), dir.toString(),
                    Long.toString(1 + (long) w * SEEDS_EACH), Long.toString(SEEDS_EACH)).inheritIO().start());
        }
        BugBase base = new BugBase(dir);
        int reads = 0;
        while (writers.stream().anyMatch(Process::isAlive)) {
            base.entries(); // a half-written entry.json would be "corrupt" here
            reads++;
        }
        for (Process p : writers) assertEquals(0, p.waitFor(), "a writer failed");
        List<BugEntry> entries = base.entries();
        assertEquals(1, entries.size());
        BugEntry e = entries.get(0);
        List<Long> all = LongStream.rangeClosed(1, (long) WRITERS * SEEDS_EACH).boxed().toList();
        assertEquals(all, e.seeds(), "every seed of every writer (read the base " + reads + " times meanwhile)");
        assertEquals(all.size() * 2, e.history().size(), "every history line");
        assertEquals(all.size(), e.logs().size());
        for (String log : e.logs()) assertEquals(true, Files.isRegularFile(dir.resolve(e.id()).resolve(log)), log);
        assertEquals(1L, e.recordingSeed());
        assertEquals("{\"seed\":1}", Files.readString(dir.resolve(e.id()).resolve("recording/recording.json")));
    }
}
