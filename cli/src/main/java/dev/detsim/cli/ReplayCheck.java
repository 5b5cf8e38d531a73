package dev.detsim.cli;

import dev.detsim.recorder.Event;
import dev.detsim.recorder.EventLog;
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

    private ReplayCheck(int expectedStatus) {
        this.expectedStatus = expectedStatus;
    }

    /**
     * Loads the recording's events section (events.gz of a recording whose chain replay checks before the program
     * starts) and hooks it into events: each event must have the recorded line, so the run's chain is the recorded
     * one, which this JVM then need not compute from the recording too.
     */
    static ReplayCheck load(Path file, Integer status, EventLog events) throws IOException {
        java.util.List<Event> expected;
        try (var in = new java.util.zip.GZIPInputStream(java.nio.file.Files.newInputStream(file), 1 << 16)) {
            expected = dev.detsim.recorder.RecordedEvents.readLines(in);
        }
        events.checkWith(ExpectedEvents.byLines(expected));
        return new ReplayCheck(status == null ? 0 : status);
    }

    /** The run ended with status, every event as recorded. */
    int ended(int status, EventLog events, PrintStream out) {
        if (status != expectedStatus) {
            out.println("detsim: replay: diverged: every one of the " + events.count() + " events was as recorded, but"
                    + " the run ended with status " + status + " where the recording ended with " + expectedStatus);
            return ExitCodes.REPLAY_DIVERGED;
        }
        out.println("detsim: replay: identical, " + events.count() + " events, digest " + events.digest());
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
