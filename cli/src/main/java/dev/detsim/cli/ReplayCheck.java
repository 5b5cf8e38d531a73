package dev.detsim.cli;

import dev.detsim.recorder.Event;
import dev.detsim.recorder.EventLog;
import dev.detsim.recorder.EventLogFormat;
import dev.detsim.recorder.ExpectedEvents;
import dev.detsim.recorder.ReplayDivergence;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;

/**
 * The replaying side of detsim run (started by detsim replay): holds the run to the recording's events and exit
 * status, and says how it went in the last line — "identical", or where and how the run parted from it.
 */
final class ReplayCheck {
    private final int expectedStatus;
    private final String expectedDigest;

    private ReplayCheck(int expectedStatus, String expectedDigest) {
        this.expectedStatus = expectedStatus;
        this.expectedDigest = expectedDigest;
    }

    /**
     * Loads the recording's events section (a checked recording's events.gz; the chain is recomputed as the
     * section is read) and hooks it into events.
     */
    static ReplayCheck load(Path file, Integer status, EventLog events) throws IOException {
        java.util.List<Event> expected;
        try (var in = new java.util.zip.GZIPInputStream(java.nio.file.Files.newInputStream(file), 1 << 16)) {
            expected = dev.detsim.recorder.RecordedEvents.read(in);
        }
        events.checkWith(new ExpectedEvents(expected));
        String digest = EventLogFormat.digestOf(expected);
        return new ReplayCheck(status == null ? 0 : status, digest);
    }

    /** The run ended with status, every event as recorded. */
    int ended(int status, EventLog events, PrintStream out) {
        if (status != expectedStatus) {
            out.println("detsim: replay: diverged: every one of the " + events.count() + " events was as recorded, but"
                    + " the run ended with status " + status + " where the recording ended with " + expectedStatus);
            return ExitCodes.REPLAY_DIVERGED;
        }
        out.println("detsim: replay: identical, " + events.count() + " events, digest " + expectedDigest);
        return status;
    }

    /** The run parted from the recording: say where, with the recording's events before it, and end. */
    int diverged(ReplayDivergence d, PrintStream out) {
        out.println("detsim: replay: diverged at event #" + d.index() + " (the run was stopped there)");
        out.println("  recorded:");
        for (Event e : d.before()) out.println("      " + show(e));
        out.println("    > " + (d.expected() == null || d.expected().seq() != d.index() ? "(the recording ends here)"
                : show(d.expected())));
        out.println("  replayed:");
        out.println("    > " + (d.actual() == null ? "(the run ended here)" : show(d.actual())));
        return ExitCodes.REPLAY_DIVERGED;
    }

    private static String show(Event e) {
        return "#" + e.seq() + " thread " + e.thread() + " " + e.kind() + " " + e.detail();
    }
}
