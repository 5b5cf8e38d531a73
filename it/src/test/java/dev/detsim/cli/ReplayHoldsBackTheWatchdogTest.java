package dev.detsim.cli;

import static dev.detsim.cli.Programs.detsimCommand;
import static dev.detsim.cli.Programs.guest;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A replay on a slower or busier host than its recording's: the wall-clock watchdog would stop a thread where the
 * recorded run went on without a preemption, and the replay would part there. Replay holds such a stop back
 * (the recorded run reached the thread's next event without one). Shown with a watchdog of 5 ms instead of
 * 100 (detsim.watchdogMillis, through DETSIM_JAVA_OPTIONS): it preempts compute_turns' 20-ms steps in a run,
 * and the replays still match their recording.
 */
class ReplayHoldsBackTheWatchdogTest {
    private static final String SHORT_WATCHDOG = "-Ddetsim.watchdogMillis=5";

    @TempDir
    Path dir;

    private Programs.Result detsim(String javaOptions, String... args) {
        List<String> cmd = new java.util.ArrayList<>(detsimCommand(List.of(args)));
        if (javaOptions != null) cmd.add(1, javaOptions); // this JVM; ./detsim would add it as well
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile());
        if (javaOptions != null) pb.environment().put("DETSIM_JAVA_OPTIONS", javaOptions); // replay's run
        return Programs.run(pb, null, Programs.DEFAULT_TIMEOUT);
    }

    private static int preemptions(Path stats) throws Exception {
        Matcher m = Pattern.compile("\"nondeterministicPreemptions\":(\\d+)").matcher(Files.readString(stats));
        assertTrue(m.find());
        return Integer.parseInt(m.group(1));
    }

    @Test
    void aReplayLetsAThreadRunOnWhereItsRecordingHadNoPreemption() throws Exception {
        String program = guest("compute_turns").toString();
        // The knob works: a run with the short watchdog is preempted in its compute steps.
        var shortRun = detsim(SHORT_WATCHDOG, "run", "--preempt-by=watchdog", "--stats=" + dir.resolve("short.json"), "--", program);
        assertEquals(0, shortRun.status(), shortRun.err());
        assertTrue(preemptions(dir.resolve("short.json")) > 0, shortRun.err());

        Path rec = dir.resolve("rec");
        var recorded = detsim(null, "record", "--out=" + rec, "--preempt-by=watchdog", "--", program);
        assertEquals(0, recorded.status(), recorded.err());
        assertFalse(Files.exists(rec.resolve("preemptions.gz")), "100 ms is far above a 20-ms step: " + recorded.err());
        for (int i = 0; i < 2; i++) {
            var replay = detsim(SHORT_WATCHDOG, "replay", rec.toString());
            assertEquals(0, replay.status(), replay.err());
            assertEquals(recorded.out(), replay.out());
            assertTrue(replay.err().contains("detsim: replay: identical, "), replay.err());
        }
    }
}
