package dev.detsim.cli;

import static dev.detsim.cli.Programs.detsimCommand;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
}
