package dev.detsim.recorder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Replay's check: the same events pass; the first that differs, one too many or too few is caught there. */
class ExpectedEventsTest {
    @TempDir
    Path dir;

    private java.util.List<Event> recorded(String... details) throws Exception {
        StringWriter w = new StringWriter();
        EventLog log = new EventLog(w, "test");
        for (String d : details) log.record(1, "syscall", d);
        Path f = Files.writeString(dir.resolve("events"), w.toString());
        return EventLogFormat.read(f);
    }

    private static void replay(java.util.List<Event> expected, String... details) {
        EventLog log = new EventLog();
        log.checkWith(new ExpectedEvents(expected));
        for (String d : details) log.record(1, "syscall", d);
        log.finish();
    }

    @Test
    void theSameEventsPass() throws Exception {
        replay(recorded("a", "b", "c"), "a", "b", "c");
    }

    @Test
    void theFirstDifferentEventIsNamedWithWhatCameBefore() throws Exception {
        var d = assertThrows(ReplayDivergence.class, () -> replay(recorded("a", "b", "c", "d"), "a", "b", "x", "d"));
        assertEquals(2, d.index());
        assertEquals("c", d.expected().detail());
        assertEquals("x", d.actual().detail());
        assertEquals(2, d.before().size());
    }

    @Test
    void aRunThatEndsEarlyOrGoesOnIsCaughtWhereTheyPart() throws Exception {
        var early = assertThrows(ReplayDivergence.class, () -> replay(recorded("a", "b"), "a"));
        assertEquals(1, early.index());
        assertNull(early.actual());
        var late = assertThrows(ReplayDivergence.class, () -> replay(recorded("a"), "a", "b"));
        assertEquals(1, late.index());
        assertNull(late.expected());
        assertEquals("b", late.actual().detail());
    }
}
