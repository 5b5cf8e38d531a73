package dev.detsim.recorder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The events section written as the run goes holds what {@link RecordedEvents#write} writes of the same log after
 * the run, byte for byte, and its manifest entry, count, digest and exec details are those of the log.
 */
class EventsSectionTest {
    @TempDir
    Path dir;

    @Test
    void theSectionWrittenDuringTheRunIsTheOneWrittenAfterIt() throws Exception {
        EventsSection section = new EventsSection(dir);
        EventLog log = new EventLog();
        log.copyTo(section);
        List<Event> events = new ArrayList<>();
        List<String> execs = new ArrayList<>();
        // Enough events for many buffers; escapes, non-ASCII text and one line longer than a buffer among them.
        for (int i = 0; i < 20_000; i++) {
            String kind = i % 997 == 0 ? "exec" : "syscall";
            String detail = switch (i % 5) {
                case 0 -> "/usr/bin/prog" + i + " wrote 3 bytes";
                case 1 -> "write(0x1,\"tab\\there\nnewline\") é " + i;
                case 2 -> "x".repeat(i == 12_347 ? 200_000 : 40);
                default -> "read(0x3,0x7fff,0x1000)=" + i;
            };
            events.add(log.append(1 + i % 3, kind, detail));
            if (kind.equals("exec")) execs.add(EventLogFormat.escape(detail));
        }
        Manifest.Section entry = section.finish();

        var expected = new ByteArrayOutputStream();
        List<Event> escaped = new ArrayList<>();
        for (Event e : events) {
            escaped.add(new Event(e.seq(), e.thread(), EventLogFormat.escape(e.kind()), EventLogFormat.escape(e.detail()),
                    e.chain()));
        }
        RecordedEvents.write(escaped, expected);
        Path file = dir.resolve("events.gz");
        byte[] stored = Files.readAllBytes(file);
        byte[] content;
        try (InputStream in = new GZIPInputStream(Files.newInputStream(file))) {
            content = in.readAllBytes();
        }
        assertArrayEquals(expected.toByteArray(), content);
        assertEquals("events.gz", entry.file());
        assertEquals(content.length, entry.bytes());
        assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(stored)), entry.sha256());
        assertEquals(events.size(), section.count());
        assertEquals(log.digest(), section.digest());
        assertEquals(execs, section.execDetails());
        assertTrue(section.used());
        try (InputStream in = new GZIPInputStream(Files.newInputStream(file))) {
            List<Event> back = RecordedEvents.read(in);
            assertEquals(log.digest(), EventLogFormat.digestOf(back));
        }
    }

    @Test
    void aSectionNoLogTookIsUnusedAndEmpty() throws Exception {
        EventsSection section = new EventsSection(dir);
        Manifest.Section entry = section.finish();
        assertFalse(section.used());
        assertEquals(0, section.count());
        assertEquals("0".repeat(64), section.digest());
        assertEquals(RecordedEvents.HEADER.length() + 1, entry.bytes());
    }
}
