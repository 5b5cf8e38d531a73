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

    /** The events as replay's run reads them: from the recording's events section, by line, without chains. */
    private java.util.List<Event> recordedLines(String... details) throws Exception {
        var events = new java.util.ArrayList<Event>();
        EventLog log = new EventLog();
        for (String d : details) events.add(log.append(1 + d.length() % 2, "syscall", d));
        var section = new java.io.ByteArrayOutputStream();
        var escaped = new java.util.ArrayList<Event>();
        for (Event e : events) {
            escaped.add(new Event(e.seq(), e.thread(), e.kind(), EventLogFormat.escape(e.detail()), e.chain()));
        }
        RecordedEvents.write(escaped, section);
        return RecordedEvents.readLines(new java.io.ByteArrayInputStream(section.toByteArray()));
    }

    private static void replayByLines(java.util.List<Event> expected, String... details) {
        EventLog log = new EventLog();
        log.checkWith(ExpectedEvents.byLines(expected));
        for (String d : details) log.record(1 + d.length() % 2, "syscall", d);
        log.finish();
    }

    @Test
    void byLinesTheSameEventsPassAndTheFirstDifferentOneIsCaught() throws Exception {
        String[] same = {"a", "tab\there", "new\nline é", "bb"};
        replayByLines(recordedLines(same), same);
        var d = assertThrows(ReplayDivergence.class, () -> replayByLines(recordedLines(same), "a", "tab\there",
                "new\nline e", "bb"));
        assertEquals(2, d.index());
        assertEquals(EventLogFormat.escape("new\nline é"), d.expected().detail());
        var early = assertThrows(ReplayDivergence.class, () -> replayByLines(recordedLines("a", "b"), "a"));
        assertEquals(1, early.index());
        var late = assertThrows(ReplayDivergence.class, () -> replayByLines(recordedLines("a"), "a", "b"));
        assertEquals(1, late.index());
    }
}
