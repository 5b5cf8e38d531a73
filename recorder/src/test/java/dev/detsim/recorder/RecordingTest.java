package dev.detsim.recorder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The recording on disk: written, read back, and refused in one line whenever it is not what was written. */
class RecordingTest {
    @TempDir
    Path dir;

    private static final List<Event> EVENTS = log("exec /usr/bin/true", "exit exit 0");

    /** Events as a run's log gives them, chains and all: "kind detail" each, thread 1. */
    private static List<Event> log(String... events) {
        EventLog log = new EventLog();
        List<Event> out = new java.util.ArrayList<>();
        for (String e : events) out.add(log.append(1, e.split(" ", 2)[0], e.split(" ", 2)[1]));
        return out;
    }

    /** A watchdog preemption in user code (registers) and one in a call (none). */
    private static final List<RecordedPreemption> PREEMPTIONS = List.of(
            new RecordedPreemption(1, 1, 104_000_000, 0x555555555328L, new long[] {0x7ffff7ffd020L, -1, 0x246},
                    "0123456789abcdef"),
            new RecordedPreemption(5, 2, 100_500_000, 0x7ffff7e5d907L, null, null));

    /** A client connected, sent two pieces and EOF; stdin gave a line and ended; then a SIGTERM came from outside. */
    private static final List<OutsideArrival> OUTSIDE = List.of(
            OutsideArrival.connect(3, 1, 0, "127.0.0.1:2379", "127.0.0.1:50364"),
            OutsideArrival.data(4, 0, 0, "get a\n".getBytes(StandardCharsets.UTF_8)),
            OutsideArrival.data(4, 0, 0, new byte[] {0, (byte) 0xff, 10}),
            OutsideArrival.eof(9, 2, 0),
            OutsideArrival.stdin(10, 0, "y\n".getBytes(StandardCharsets.UTF_8)),
            OutsideArrival.stdinEof(11, 1),
            OutsideArrival.signal(12, 0, 15),
            OutsideArrival.dial(13, 0, 1, "[0:0:0:0:0:0:0:1]:5432", "[0:0:0:0:0:0:0:1]:41000"),
            OutsideArrival.data(14, 2, 1, "R\n".getBytes(StandardCharsets.UTF_8)),
            OutsideArrival.eof(15, 0, 1),
            OutsideArrival.udp(16, 0, 0, "0.0.0.0:5353"),
            OutsideArrival.datagram(17, 1, 0, "192.168.1.1:53", new byte[] {1, 2, 3}),
            OutsideArrival.datagram(17, 1, 0, "[0:0:0:0:0:0:0:1]:53", new byte[0]));

    private Path write(Path d) throws IOException {
        return write(d, RecordedPreemption.write(PREEMPTIONS));
    }

    private Path write(Path d, String preemptionsText) throws IOException {
        return write(d, preemptionsText, OutsideArrival.write(OUTSIDE));
    }

    private Path write(Path d, String preemptionsText, String outsideText) throws IOException {
        Files.createDirectories(d);
        var events = Recording.writeEvents(d, EVENTS);
        var stdin = Recording.writeSection(d, "stdin", new ByteArrayInputStream("hello\n".getBytes(StandardCharsets.UTF_8)));
        var before = Recording.writeSection(d, "before-1", new ByteArrayInputStream("old\n".getBytes(StandardCharsets.UTF_8)));
        var preemptions = Recording.writeSection(d, "preemptions",
                new ByteArrayInputStream(preemptionsText.getBytes(StandardCharsets.UTF_8)));
        var outside = Recording.writeSection(d, "outside",
                new ByteArrayInputStream(outsideText.getBytes(StandardCharsets.UTF_8)));
        Recording.writeManifest(d, new Manifest(null, 0, "test", new Manifest.Host("6.1", "x86_64", "cpu"),
                List.of("true"), "/usr/bin/true", "/", List.of("B=2", "A=1"), List.of("--seed=0"),
                new Manifest.Outcome(0, 2, EVENTS.get(1).chain(), 0), List.of("pipe", "file"),
                List.of(new Manifest.FileHash("/usr/bin/true", 1, "00")),
                List.of(new Manifest.Restore("/w/db", "file", 0644, 0, 0, null, "before-1", 2),
                        new Manifest.Restore("/w/new", "absent", null, null, null, null, null, null)),
                Recording.sections(events, stdin, preemptions, java.util.Map.of("outside", outside, "before-1", before)),
                null));
        return d;
    }

    @Test
    void whatIsWrittenIsReadBackWithTheEnvironmentInItsOrder() throws Exception {
        Recording r = Recording.open(write(dir.resolve("r")));
        Manifest m = r.manifest();
        assertEquals(Recording.FORMAT, m.format());
        assertEquals(List.of("B=2", "A=1"), m.environment(), "the order the program got it");
        assertEquals(List.of("file", "absent"), m.restore().stream().map(Manifest.Restore::kind).toList());
        try (var before = r.section("before-1")) {
            assertEquals("old\n", new String(before.readAllBytes(), StandardCharsets.UTF_8));
        }
        assertEquals("hello\n", new String(r.section("stdin").readAllBytes(), StandardCharsets.UTF_8));
        assertEquals(EVENTS, r.events(), "seq and chains recomputed as the run had them");
        assertEquals(PREEMPTIONS, r.preemptions());
        assertEquals(OUTSIDE, r.outsideArrivals());
        assertEquals(16, OutsideArrival.inputBytes(r.outsideArrivals()));
        assertTrue(OutsideArrival.keepsStdin(r.outsideArrivals()));
        assertNotNull(m.checksum());
    }

    @Test
    void aPreemptionsSectionThatDoesNotParseIsOneLineNamingIt() throws Exception {
        for (String bad : new String[] {"# not the header\n", RecordedPreemption.HEADER + "\n5\t1\t0\tzz\t-\t-\n",
                RecordedPreemption.HEADER + "\n5\t1\t0\t10\t-\t-\n4\t1\t0\t10\t-\t-\n",
                RecordedPreemption.HEADER + "\n5\t1\t0\t10\t-\n"}) {
            Path r = write(dir.resolve("bad-" + bad.length()), bad);
            var e = org.junit.jupiter.api.Assertions.assertThrows(RecordingException.class,
                    () -> Recording.open(r).preemptions());
            assertTrue(e.getMessage().contains("preemptions.gz is corrupt"), e.getMessage());
            assertFalse(e.getMessage().contains("\n"), e.getMessage());
        }
    }

    @Test
    void anOutsideSectionThatDoesNotParseIsOneLineNamingIt() throws Exception {
        String h = OutsideArrival.HEADER + "\n";
        String connect = "connect\t3.1\t0\t127.0.0.1:2379\t127.0.0.1:50364\n";
        int n = 0;
        for (String bad : new String[] {"# not the header\n", h + "data\t3.1\t0\tAAAA\n", h + connect + "data\t2.0\t0\tAAAA\n",
                h + connect + "data\t3.1\t0\t*not base64*\n", h + "connect\t3.1\t1\t127.0.0.1:2379\t127.0.0.1:50364\n",
                h + connect + "eof\t3\t0\n", h + connect + "signal\t4.0\t99\n", h + connect + "hello\t4.0\t0\n",
                h + "connect\t3.1\t0\t127.0.0.1:2379\tsomewhere\n", h + "stdin\t4.0\t1\tAAAA\n", h + "stdin_eof\t4.0\t0\tAAAA\n",
                h + "dial\t3.1\t0\t127.0.0.1:5432\n", h + connect + "dial\t4.0\t0\t127.0.0.1:5432\t127.0.0.1:40000\n",
                h + "dial\t3.1\t0\t127.0.0.1:5432\t127.0.0.1:40000\n" + connect,
                h + "datagram\t3.1\t0\t127.0.0.1:53\tAAAA\n", h + "udp\t3.1\t1\t0.0.0.0:53\n",
                h + "udp\t3.1\t0\tunix:/x\n", h + "udp\t3.1\t0\t0.0.0.0:53\ndatagram\t3.1\t0\t127.0.0.1:53\n"}) {
            Path r = write(dir.resolve("bad-outside-" + n++), RecordedPreemption.write(PREEMPTIONS), bad);
            var e = assertThrows(RecordingException.class, () -> Recording.open(r).outsideArrivals(), bad);
            assertTrue(e.getMessage().contains("outside.gz is corrupt"), e.getMessage());
            assertFalse(e.getMessage().contains("\n"), e.getMessage());
        }
    }

    @Test
    void missingDirectoriesFilesAndForeignVersionsAreSaidInOneLine() throws Exception {
        assertTrue(message(dir.resolve("nope")).contains("no such directory"));
        Files.createDirectories(dir.resolve("empty"));
        assertTrue(message(dir.resolve("empty")).contains("has no recording.json"));
        Path r = write(dir.resolve("r"));
        Path manifest = r.resolve(Recording.MANIFEST);
        Files.writeString(manifest, Files.readString(manifest).replace("\"version\" : 1", "\"version\" : 7"));
        assertTrue(message(r).contains("is recording format version 7; this detsim reads version 1"), message(r));
        Files.delete(r.resolve("stdin.gz"));
        Files.writeString(manifest, Files.readString(manifest).replace("\"version\" : 7", "\"version\" : 1"));
        assertTrue(message(r).contains("stdin") && message(r).contains("is missing"), message(r));
    }

    /**
     * 10,000 random mutations (a byte changed, bytes cut off the end, a byte inserted) of the manifest or a
     * section: every one is refused with a RecordingException of one line, or (a mutation that changes nothing
     * the reader uses: JSON whitespace) read back as the same manifest. Nothing else may escape.
     */
    @Test
    void tenThousandMutationsAreRefusedInOneLineOrChangeNothing() throws Exception {
        Path original = write(dir.resolve("original"));
        Manifest expected = Recording.open(original).manifest();
        String[] files = {Recording.MANIFEST, "events.gz", "stdin.gz", "preemptions.gz", "outside.gz"};
        Random random = new Random(42);
        int refused = 0;
        Path r = dir.resolve("mutant");
        Files.createDirectories(r);
        for (int i = 0; i < 10_000; i++) {
            for (String f : files) Files.copy(original.resolve(f), r.resolve(f), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            Path target = r.resolve(files[random.nextInt(files.length)]);
            byte[] b = Files.readAllBytes(target);
            byte[] mutated = switch (random.nextInt(3)) {
                case 0 -> {
                    b[random.nextInt(b.length)] ^= (byte) (1 + random.nextInt(255));
                    yield b;
                }
                case 1 -> java.util.Arrays.copyOf(b, random.nextInt(b.length));
                default -> {
                    int at = random.nextInt(b.length + 1);
                    byte[] c = new byte[b.length + 1];
                    System.arraycopy(b, 0, c, 0, at);
                    c[at] = (byte) random.nextInt(256);
                    System.arraycopy(b, at, c, at + 1, b.length - at);
                    yield c;
                }
            };
            Files.write(target, mutated);
            try {
                Recording accepted = Recording.open(r);
                assertEquals(expected, accepted.manifest(), "a mutation that was accepted changed nothing");
                assertEquals(EVENTS, accepted.events());
                assertEquals(PREEMPTIONS, accepted.preemptions());
                assertEquals(OUTSIDE, accepted.outsideArrivals());
            } catch (RecordingException e) {
                refused++;
                assertFalse(e.getMessage().contains("\n"), e.getMessage());
                assertFalse(e.getMessage().isBlank());
            }
        }
        assertTrue(refused > 9_000, "refused " + refused);
    }

    private static String message(Path d) {
        return assertThrows(RecordingException.class, () -> Recording.open(d)).getMessage();
    }
}
