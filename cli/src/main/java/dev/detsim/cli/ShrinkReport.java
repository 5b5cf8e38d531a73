package dev.detsim.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.nio.file.Path;

/** shrink's result for people: what was cut, the critical pair with its code sites, where it is kept. */
final class ShrinkReport {
    private ShrinkReport() {}

    static void text(PrintWriter out, JsonNode r, Path kept) {
        int before = r.path("switchesBefore").asInt(), minimal = r.path("switchesMinimal").asInt();
        out.println("entry " + r.path("id").asText() + ", seed " + r.path("seed").asLong() + ": " + before
                + " switches -> " + minimal + (r.path("oneMinimal").asBoolean()
                        ? " (each one needed: without any one of them the run passes)"
                        : " (the run budget ran out: smaller may exist)")
                + ", " + r.path("runs").asInt() + " runs");
        JsonNode pair = r.path("criticalPair");
        if (pair.isObject()) {
            out.println("critical pair (decision " + pair.path("decision").asLong() + "): the run fails when");
            out.println("  " + step(pair.path("first"), "reaches"));
            out.println("before");
            out.println("  " + step(pair.path("second"), "goes on from"));
            out.println("and passes when thread " + pair.path("second").path("thread").asInt() + " goes on first.");
        } else if (minimal == 0) {
            out.println("the run fails without any switch: detsim's schedule with no chaos (a thread runs on until it"
                    + " blocks or yields; one left waiting 1,000 turns goes next) fails too");
        } else {
            out.println("no critical pair named (the run budget ran out, or no single step decides)");
        }
        for (JsonNode s : r.path("switches")) {
            out.println("switch at decision " + s.path("decision").asLong() + ": " + step(s.path("ran"), "ran, at")
                    + "; instead of " + step(s.path("insteadOf"), "at"));
        }
        out.println("kept in " + kept + ": schedule (" + r.path("switchesKept").asInt() + " switches), recording"
                + " (failed as the entry on " + r.path("replaysFailed").asInt() + " of " + r.path("replays").asInt()
                + " replays), shrink.json");
    }

    /** "thread 3 reaches getppid at FILE:0xOFF, called from FILE:0xOFF". */
    static String step(JsonNode t, String verb) {
        StringBuilder b = new StringBuilder("thread ").append(t.path("thread").asInt()).append(' ').append(verb);
        if (t.hasNonNull("syscall")) {
            b.append(t.path("after").asBoolean() ? " the return of " : " ").append(t.path("syscall").asText()).append(" at");
        }
        b.append(' ').append(t.hasNonNull("site") ? t.path("site").asText() : "its start");
        if (t.hasNonNull("function")) b.append(" (").append(t.path("function").asText()).append(')');
        if (t.hasNonNull("caller")) {
            b.append(", called from ").append(t.path("caller").asText());
            if (t.hasNonNull("callerFunction")) b.append(" (").append(t.path("callerFunction").asText()).append(')');
        }
        return b.toString();
    }
}
