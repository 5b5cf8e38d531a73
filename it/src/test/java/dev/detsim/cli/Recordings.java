package dev.detsim.cli;

import static dev.detsim.cli.Programs.detsimCommand;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.detsim.recorder.Manifest;
import dev.detsim.recorder.OutsideArrival;
import dev.detsim.recorder.Recording;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** detsim record and replay as the record/replay tests run them. */
final class Recordings {
    private Recordings() {}

    static Programs.Result detsim(Path cwd, byte[] stdin, String... args) {
        var pb = new ProcessBuilder(detsimCommand(List.of(args))).directory(cwd.toFile());
        return Programs.run(pb, stdin, Programs.DEFAULT_TIMEOUT);
    }

    /** detsim record --out=out [options --] command, from cwd. */
    static Programs.Result record(Path cwd, Path out, byte[] stdin, String... command) {
        List<String> args = new ArrayList<>(List.of("record", "--out=" + out));
        args.addAll(List.of(command));
        return detsim(cwd, stdin, args.toArray(String[]::new));
    }

    /**
     * Replays three times from another directory (the recording names its own): each identical, with the recorded
     * status and stdout. Returns the digest.
     */
    static String replayedThreeTimes(Path recording, Programs.Result recorded) {
        String digest = null;
        for (int i = 0; i < 3; i++) {
            var r = detsim(Path.of("/"), null, "replay", recording.toString());
            assertEquals(recorded.status(), r.status(), r.err());
            assertEquals(recorded.out(), r.out());
            Matcher m = Pattern.compile("detsim: replay: identical, (\\d+) events, digest ([0-9a-f]{64})\n$").matcher(r.err());
            assertTrue(m.find(), r.err());
            if (digest != null) assertEquals(digest, m.group(2));
            digest = m.group(2);
        }
        return digest;
    }

    /**
     * Flips a bit in the first byte of rec's first outside arrival of kind (its data), seals the recording again so
     * that replay runs it, and replays it: what a stand-in that sends other bytes makes of the run.
     */
    static Programs.Result replayedWithFirstArrivalChanged(Path rec, OutsideArrival.Kind kind) throws Exception {
        Recording r = Recording.open(rec);
        List<OutsideArrival> changed = new ArrayList<>();
        boolean done = false;
        for (OutsideArrival a : r.outsideArrivals()) {
            if (!done && a.kind() == kind) {
                byte[] b = a.bytes().clone();
                b[0] ^= 0x20;
                a = new OutsideArrival(a.events(), a.look(), a.kind(), a.connection(), a.listener(), a.peer(), b);
                done = true;
            }
            changed.add(a);
        }
        assertTrue(done, "no " + kind + " arrival in " + rec);
        Manifest m = r.manifest();
        Map<String, Manifest.Section> sections = new LinkedHashMap<>(m.sections());
        sections.put("outside", Recording.writeSection(rec, "outside",
                new ByteArrayInputStream(OutsideArrival.write(changed).getBytes(StandardCharsets.UTF_8))));
        Recording.writeManifest(rec, new Manifest(null, 0, m.detsim(), m.host(), m.command(), m.program(),
                m.workingDirectory(), m.environment(), m.runOptions(), m.outcome(), m.outputs(), m.files(), m.restore(),
                sections, null));
        return detsim(Path.of("/"), null, "replay", rec.toString());
    }

    /** Asserts that replay parted from its recording (87) at a replayed event that matches event (a regex). */
    static void assertPartedAt(Programs.Result replay, String event, String why) {
        assertEquals(87, replay.status(), replay.err());
        String err = replay.err();
        int replayed = err.indexOf("replayed:");
        assertTrue(replayed > 0, err);
        assertTrue(err.substring(replayed).matches("(?s).*> #\\d+ " + event + ".*"), why + ": " + err);
    }
}
