package dev.detsim.cli;

import dev.detsim.recorder.bugs.Signature;
import java.nio.file.Path;

/**
 * One run of one seed in a search, as it ended.
 *
 * @param seed the seed
 * @param label which run of the seed ("first", "re-run 1", "spot-check")
 * @param status detsim's exit status (the program's; 128+S for signal S; 86 for a deadlock)
 * @param signal the name of the signal that killed the program (SIGSEGV), or null
 * @param crashSite where it crashed, as run names it ("FILE:0xOFFSET (function+0xN)"), or null
 * @param deadlock whether detsim reported a deadlock
 * @param stdout the program's stdout
 * @param stderr the program's stderr, detsim's lines included
 * @param events the run's event log file, or null if it has none
 * @param digest the event log's digest ("-" for none)
 * @param checkStatus the checker's exit status, or null when there is no checker
 * @param checkLine the checker's first output line ("" for none), or null
 * @param recording the recording this run made, or null
 * @param internalError detsim itself failed (an infrastructure error, not the program's)
 */
record Attempt(long seed, String label, int status, String signal, String crashSite, boolean deadlock, String stdout, String stderr,
               Path events, String digest, Integer checkStatus, String checkLine, Path recording, boolean internalError) {

    /** How the run ended, as a signature says it. */
    String outcome() {
        if (signal != null) return "signal " + signal;
        if (deadlock) return "deadlock";
        return "exit " + status;
    }

    /** The program's last stderr line that is not detsim's own; "" when there is none. */
    String lastProgramStderrLine() {
        String last = "";
        boolean inDetsimReport = false; // a detsim: line's indented continuation (the deadlock report's waits)
        for (String line : stderr.split("\n")) {
            if (line.startsWith("detsim: ")) inDetsimReport = true;
            else if (!(inDetsimReport && line.startsWith("  "))) {
                inDetsimReport = false;
                if (!line.isBlank()) last = line;
            }
        }
        return last;
    }

    /** The signature of this run's failure, given the criteria that called it one. */
    Signature signature(String failedBy) {
        return new Signature(outcome(), failedBy, crashSite, Signature.normalise(lastProgramStderrLine()),
                checkLine == null ? null : Signature.normalise(checkLine));
    }
}
