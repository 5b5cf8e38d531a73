package dev.detsim.recorder.bugs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BugBaseTest {
    @TempDir
    Path tmp;

    private static final Signature LOST = new Signature("exit 1", "check:count", null, "Error: database is locked (N)",
            "lost rows: N of N");

    private BugEntry entry(long seed, boolean recorded) {
        return new BugEntry(LOST.idFor(BugEntry.BUG), BugEntry.BUG, LOST, List.of(seed), List.of("writers.sh"),
                List.of("--chaos"), List.of(), "test", recorded ? BugBase.RECORDING : null, recorded ? seed : null, null,
                List.of(), List.of(new BugEntry.Rerun("2026-01-01T00:00:0" + (seed % 10) + "Z", seed, "first", "exit 1")));
    }

    /** A bug base with one entry for each seed, each with a "recording" whose one file names its seed. */
    private Path base(String name, long... seeds) throws Exception {
        Path dir = tmp.resolve(name);
        BugBase base = new BugBase(dir);
        for (long seed : seeds) {
            Path recording = Files.createDirectories(tmp.resolve("rec-" + name + "-" + seed));
            Files.writeString(recording.resolve("recording.json"), "seed " + seed);
            base.add(entry(seed, true), recording, Map.of());
        }
        return dir;
    }

    private static String snapshot(Path dir) throws Exception {
        List<BugEntry> entries = new BugBase(dir).entries();
        StringBuilder b = new StringBuilder();
        for (BugEntry e : entries) {
            b.append(e.id()).append(' ').append(e.seeds()).append(' ').append(e.recordingSeed()).append(' ')
                    .append(e.history().size()).append(' ')
                    .append(Files.readString(dir.resolve(e.id()).resolve("recording/recording.json"))).append('\n');
        }
        return b.toString();
    }

    @Test
    void oneEntryPerSignatureHoldsEverySeedAndTheSmallestSeedsRecording() throws Exception {
        Path dir = base("one", 9, 4, 7);
        assertEquals(LOST.idFor(BugEntry.BUG) + " [4, 7, 9] 4 3 seed 4\n", snapshot(dir));
    }

    @Test
    void mergingIsOrderIndependentAndIdempotent() throws Exception {
        Path a = base("a", 5, 2), b = base("b", 8), c = base("c", 3, 11);
        Path abc = tmp.resolve("abc"), cba = tmp.resolve("cba");
        new BugBase(abc).mergeFrom(List.of(a, b, c));
        new BugBase(cba).mergeFrom(List.of(c, b, a));
        assertEquals(snapshot(abc), snapshot(cba));
        assertEquals(LOST.idFor(BugEntry.BUG) + " [2, 3, 5, 8, 11] 2 5 seed 2\n", snapshot(abc));
        String once = Files.readString(abc.resolve(LOST.idFor(BugEntry.BUG)).resolve(BugBase.ENTRY));
        new BugBase(abc).mergeFrom(List.of(a, b, c, abc));
        assertEquals(once, Files.readString(abc.resolve(LOST.idFor(BugEntry.BUG)).resolve(BugBase.ENTRY)));
    }

    @Test
    void entryMergeIsCommutative() {
        BugEntry x = entry(3, false), y = entry(1, true);
        assertEquals(x.merge(y), y.merge(x));
        assertEquals(x.merge(y), x.merge(y).merge(y));
    }

    /** A shrink adds its replays and the shrunk recording; merged with the entry as it was, in either order, both stay. */
    @Test
    void aShrunkRecordingSurvivesMergesWithTheEntryItCameFrom() {
        BugEntry found = entry(4, true);
        BugEntry shrunk = found.withShrunk("shrunk/recording",
                List.of(new BugEntry.Rerun("2026-01-02T00:00:00Z", 4, "shrunk replay 1", "failed as the entry")));
        assertEquals("shrunk/recording", found.merge(shrunk).shrunk());
        assertEquals(found.merge(shrunk), shrunk.merge(found));
        assertEquals(2, found.merge(shrunk).history().size());
        BugEntry smaller = entry(2, true); // its recording replaces seed 4's, and the shrunk one was made from seed 4
        assertEquals(null, shrunk.merge(smaller).shrunk());
        assertEquals(shrunk.merge(smaller), smaller.merge(shrunk));
    }

    @Test
    void aKindOrSignatureOfItsOwnIsAnotherEntry() {
        assertNotEquals(LOST.idFor(BugEntry.BUG), LOST.idFor(BugEntry.NONDETERMINISTIC));
        Signature other = new Signature("exit 1", "check:count", null, "Error: disk full", "lost rows: N of N");
        assertNotEquals(LOST.idFor(BugEntry.BUG), other.idFor(BugEntry.BUG));
    }

    @Test
    void numbersDoNotSplitASignature() {
        assertEquals(Signature.normalise("lost rows: 3 of 4 at 0x7ffd12 in /tmp/x/seed-6"),
                Signature.normalise("lost rows: 1 of 4 at 0x55aa in /tmp/x/seed-12"));
    }

    @Test
    void aCorruptEntryIsOneLine() throws IOException {
        Path dir = tmp.resolve("corrupt");
        Path entry = Files.createDirectories(dir.resolve("0123456789ab"));
        Files.writeString(entry.resolve(BugBase.ENTRY), "{not json");
        BugBaseException e = assertThrows(BugBaseException.class, () -> new BugBase(dir).entries());
        assertTrue(e.getMessage().startsWith(entry.resolve(BugBase.ENTRY) + " is corrupt"), e.getMessage());
        assertEquals(1, e.getMessage().lines().count());
    }

    @Test
    void logsAreCopiedOnce() throws Exception {
        Path log = Files.writeString(tmp.resolve("first.events"), "log");
        BugEntry e = new BugEntry(LOST.idFor(BugEntry.NONDETERMINISTIC), BugEntry.NONDETERMINISTIC, LOST, List.of(6L),
                List.of("x"), List.of(), List.of(), "test", null, null, null, List.of("logs/seed-6-first.events"),
                new ArrayList<>());
        BugBase base = new BugBase(tmp.resolve("logs"));
        base.add(e, null, Map.of("logs/seed-6-first.events", log));
        assertEquals("log", Files.readString(base.entryDir(e.id()).resolve("logs/seed-6-first.events")));
        assertThrows(BugBaseException.class, () -> base.add(e, null, Map.of("../escape", log)));
    }
}
