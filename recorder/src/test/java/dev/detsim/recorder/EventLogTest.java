package dev.detsim.recorder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EventLogTest {
    @TempDir
    Path dir;

    private static EventLog log(String... details) {
        EventLog log = new EventLog();
        for (String d : details) log.append(1, "syscall", d);
        return log;
    }

    @Test
    void theDigestNamesTheWholeSequence() {
        assertEquals("0".repeat(64), new EventLog().digest());
        assertEquals(log("a", "b").digest(), log("a", "b").digest());
        assertNotEquals(log("a", "b").digest(), log("b", "a").digest(), "order matters");
        assertNotEquals(log("a", "b").digest(), log("a", "b", "c").digest(), "length matters");
        EventLog t2 = new EventLog();
        t2.append(2, "syscall", "a");
        assertNotEquals(log("a").digest(), t2.digest(), "the thread matters");
    }

    @Test
    void theChainIsSha256OfThePreviousValueAndTheCanonicalLine() throws Exception {
        EventLog log = log("getrandom(0x10,0x10,0x0)=16");
        var sha = java.security.MessageDigest.getInstance("SHA-256");
        sha.update(new byte[32]);
        byte[] expected = sha.digest("0\t1\tsyscall\tgetrandom(0x10,0x10,0x0)=16".getBytes());
        assertEquals(java.util.HexFormat.of().formatHex(expected), log.digest());
    }

    @Test
    void aLineBuiltInPlaceIsTheCanonicalLine() {
        EventLog log = new EventLog();
        String[] details = {"", "futex(0xc00003c548,0x80)=-11", "tab\there, newline\nthere, back\\slash",
            "naïve ✓ 😀 \t after", "ends in é"};
        for (String d : details) {
            EventLine line = log.begin(12, "sys\tcall");
            String expected = EventLogFormat.canonical(log.count(), 12, "sys\tcall", d);
            assertEquals(expected, line.text(d).toString());
            log.end();
        }
        long[] numbers = {0, 1, 9, 10, 99, 100, -1, -11, 0xc00003c548L, Long.MAX_VALUE, Long.MIN_VALUE, 0x0fL, 0x10L};
        for (long v : numbers) {
            EventLine line = log.begin(1, "n");
            String prefix = line.toString();
            line.decimal(v).put(' ').hex(v);
            assertEquals(prefix + v + " " + Long.toHexString(v), line.toString());
            log.end();
        }
        byte[] b = {0, 1, (byte) 0xab, (byte) 0xff, 0x7f};
        EventLine line = log.begin(1, "b");
        String prefix = line.toString();
        assertEquals(prefix + "0001abff", line.hex(b, 4).toString());
        log.end();
    }

    @Test
    void aLineBuiltInPlaceChainsAsTheSameDetailGivenWhole() {
        EventLog pieces = new EventLog();
        EventLog whole = new EventLog();
        pieces.begin(3, "syscall").text("futex(0x").hex(0x569a48).put(',').text("0x").hex(0x80).put(')').put('=').decimal(-11);
        pieces.end();
        whole.record(3, "syscall", "futex(0x569a48,0x80)=-11");
        assertEquals(whole.digest(), pieces.digest());
        assertEquals(1, pieces.count());
    }

    @Test
    void writtenLogsReadBackWithTheirChain() throws IOException {
        StringWriter text = new StringWriter();
        EventLog log = new EventLog(text, "seed=7 cmd=echo");
        log.append(1, "exec", "thread 1");
        log.append(2, "syscall", "a detail with\ta tab and \\ a backslash\nand a newline");
        log.flush();
        Path file = Files.writeString(dir.resolve("run.events"), text.toString());
        assertTrue(text.toString().startsWith("# detsim event log v1 seed=7 cmd=echo\n"), text.toString());
        List<Event> events = EventLogFormat.read(file);
        assertEquals(2, events.size());
        assertEquals(log.digest(), events.get(1).chain());
        assertEquals(2, events.get(1).thread());
    }

    @Test
    void otherVersionsAndOtherFilesAreRefused() throws IOException {
        Path v2 = Files.writeString(dir.resolve("v2"), "# detsim event log v2 x\n");
        assertTrue(assertThrows(IOException.class, () -> EventLogFormat.read(v2)).getMessage().contains("version 2"));
        Path other = Files.writeString(dir.resolve("other"), "hello\n");
        assertThrows(IOException.class, () -> EventLogFormat.read(other));
    }

    @Test
    void divergenceNamesTheFirstDifferentEventWithContext() {
        EventLog a = new EventLog();
        EventLog b = new EventLog();
        List<Event> ea = new java.util.ArrayList<>();
        List<Event> eb = new java.util.ArrayList<>();
        for (String d : List.of("e0", "e1", "e2", "e3", "x4", "e5")) ea.add(a.append(1, "syscall", d));
        for (String d : List.of("e0", "e1", "e2", "e3", "y4")) eb.add(b.append(1, "syscall", d));
        Divergence d = Divergence.find(ea, eb, 2).orElseThrow();
        assertEquals(4, d.index());
        assertEquals(List.of("e2", "e3", "x4"), d.contextA().stream().map(Event::detail).toList());
        assertEquals(List.of("e2", "e3", "y4"), d.contextB().stream().map(Event::detail).toList());
        assertTrue(Divergence.find(ea, ea, 2).isEmpty());
        Divergence prefix = Divergence.find(ea.subList(0, 3), ea, 1).orElseThrow();
        assertEquals(3, prefix.index(), "a log that stops early diverges where it ends");
        assertEquals(List.of("e2"), prefix.contextA().stream().map(Event::detail).toList());
    }

    @org.junit.jupiter.api.Test
    void unescapeUndoesEscape() {
        for (String t : new String[] {"plain", "a\tb", "line\nnext", "back\\slash", "\\t is not a tab", "", "end\\"}) {
            org.junit.jupiter.api.Assertions.assertEquals(t, EventLogFormat.unescape(EventLogFormat.escape(t)), t);
        }
    }
}
