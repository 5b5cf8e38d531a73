package dev.detsim.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.detsim.recorder.Recording;
import dev.detsim.recorder.bugs.BugBase;
import dev.detsim.recorder.bugs.BugBaseException;
import dev.detsim.recorder.bugs.BugEntry;
import dev.detsim.scheduler.ScheduleScript;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * One shrink of one bug base entry: the original run, the shrinker's runs, the sites of the result, its
 * recording and replays, and what is kept and told (ENTRY/shrunk/: schedule, recording/, shrink.json).
 */
final class Shrinking {
    static final String DIR = "shrunk";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final BugEntry entry;
    private final BugBase base;
    private final ShrinkRuns runs;
    private final SeedRunner runner;
    private final int replays;
    private final Path json;
    private final PrintWriter out, err;
    private volatile String stage = "original run";
    private volatile int from = -1;

    Shrinking(BugEntry entry, BugBase base, ShrinkRuns runs, SeedRunner runner, int replays, Path json,
              PrintWriter out, PrintWriter err) {
        this.entry = entry;
        this.base = base;
        this.runs = runs;
        this.runner = runner;
        this.replays = replays;
        this.json = json;
        this.out = out;
        this.err = err;
    }

    int shrink(List<String> schedule) throws Exception {
        long seed = entry.recordingSeed();
        Path entryDir = base.entryDir(entry.id());
        err.println("detsim: shrink: entry " + entry.id() + " (" + entry.signature().describe() + "), seed " + seed
                + ", at most " + runs.maxRuns() + " runs");
        err.flush();
        Progress progress = new Progress(err, this::line);
        progress.start();
        ScheduleShrinker.Result result;
        List<JsonNode> sites;
        ScheduleScript kept;
        try {
            Path stats = Files.createTempFile("detsim-shrink", ".json");
            runs.original(schedule, stats);
            ScheduleScript switches = runs.stopped() ? null : ShrinkCommand.switchesOf(stats);
            Files.deleteIfExists(stats);
            if (runs.stopped()) return signalled();
            if (runs.signature() == null || !runs.signature().equals(entry.signature())) {
                err.println("detsim: shrink: seed " + seed + " no longer fails as entry " + entry.id() + " says ("
                        + (runs.signature() == null ? "it passed" : runs.signature().describe()) + "): the program,"
                        + " its inputs or detsim changed since the search; search again");
                return ShrinkCommand.NOT_SHRUNK;
            }
            if (switches == null) throw new IllegalStateException("the run under chaos reported no schedule");
            from = switches.switches().size();
            stage = "shrinking";
            result = new ScheduleShrinker(runs).shrink(switches);
            if (runs.stopped()) return signalled();
            // The fewest switches are kept; the pair's schedule (one switch more) is run once more to name sites.
            kept = result.minimal();
            ScheduleScript named = result.pair() != null ? result.pair().failing() : kept;
            stage = "naming sites";
            sites = named.switches().isEmpty() ? List.of() : runs.sites(named);
            if (runs.stopped()) return signalled();
        } finally {
            progress.stop();
        }
        // Made beside the entry's shrunk/ and put in its place only once every replay failed as the entry.
        Path made = entryDir.resolve(DIR + ".new"), shrunk = entryDir.resolve(DIR);
        dev.detsim.recorder.FileTrees.delete(made);
        Files.createDirectories(made);
        Path scheduleFile = runs.write(kept, "kept");
        Files.copy(scheduleFile, made.resolve("schedule"));
        Path recording = made.resolve(BugBase.RECORDING);
        Attempt recorded;
        try {
            recorded = runner.run(seed, "shrunk", recording, List.of(RecordCommand.SCRIPT_OPTION + scheduleFile));
        } catch (java.io.IOException e) {
            if (!runs.stopped()) throw e;
            dev.detsim.recorder.FileTrees.delete(made);
            return signalled(); // the signal cut the recording short
        }
        int failed = runs.failsAsOriginal(recorded) ? 0 : -1;
        List<BugEntry.Rerun> history = new ArrayList<>();
        if (failed == 0 && Files.exists(recording.resolve(Recording.MANIFEST))) {
            for (int k = 1; k <= replays && !runs.stopped(); k++) {
                Attempt again;
                try {
                    again = runner.replay(seed, "shrunk replay " + k, recording);
                } catch (java.io.IOException e) {
                    if (!runs.stopped()) throw e;
                    break; // the signal ended it
                }
                boolean identical = again.stderr().contains("detsim: replay: identical");
                boolean fails = identical && again.status() == recorded.status() && runs.failsAsOriginal(again);
                if (fails) failed++;
                history.add(new BugEntry.Rerun(Instant.now().toString(), seed, "shrunk replay " + k,
                        fails ? "failed as the entry" : identical ? "replayed, passed" : "parted from the recording"));
            }
        }
        runner.forget(seed);
        if (runs.stopped()) {
            dev.detsim.recorder.FileTrees.delete(made);
            return signalled();
        }
        ObjectNode report = report(result, kept, sites, Math.max(failed, 0));
        Files.writeString(made.resolve("shrink.json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(report));
        boolean ok = failed == replays;
        Path where = made;
        if (ok) {
            dev.detsim.recorder.FileTrees.delete(shrunk);
            Files.move(made, shrunk);
            where = shrunk;
        } else {
            where = entryDir.resolve(DIR + ".failed");
            dev.detsim.recorder.FileTrees.delete(where);
            Files.move(made, where);
        }
        try {
            base.add(entry.withShrunk(ok ? DIR + "/" + BugBase.RECORDING : entry.shrunk(), history), null, java.util.Map.of());
        } catch (BugBaseException e) {
            err.println("detsim: shrink: " + e.getMessage());
            return BugsCommand.UNREADABLE;
        }
        String text = JSON.writerWithDefaultPrettyPrinter().writeValueAsString(report);
        if (json != null && json.toString().equals("-")) out.println(text);
        else {
            if (json != null) Files.writeString(json, text);
            ShrinkReport.text(out, report, where);
        }
        out.flush();
        if (!ok) {
            err.println("detsim: shrink: the shrunk recording failed on " + Math.max(failed, 0) + " of " + replays
                    + " replays" + (failed < 0 ? " (its recorded run did not fail as the entry's)" : "")
                    + "; the entry keeps its former shrunk recording, if any (" + where + " has what was made)");
            return ShrinkCommand.NOT_SHRUNK;
        }
        return 0;
    }

    private int signalled() {
        err.println("detsim: shrink: stopped by a signal after " + runs.runs() + " runs; the run in progress was"
                + " ended and nothing was kept");
        return SearchCommand.SIGNALLED;
    }

    private ObjectNode report(ScheduleShrinker.Result result, ScheduleScript kept, List<JsonNode> sites, int failed) {
        ObjectNode r = JSON.createObjectNode();
        r.put("id", entry.id());
        r.put("seed", entry.recordingSeed());
        r.put("signature", entry.signature().describe());
        r.put("switchesBefore", result.original().switches().size());
        r.put("switchesMinimal", result.minimal().switches().size());
        r.put("oneMinimal", result.oneMinimal());
        r.put("switchesKept", kept.switches().size());
        r.put("schedule", kept.toString());
        r.put("runs", runs.runs());
        r.put("maxRuns", runs.maxRuns());
        ArrayNode switches = r.putArray("switches");
        for (JsonNode s : sites) { // the pair's run has the kept switches and the pair's switch back
            if (kept.switches().stream().anyMatch(w -> w.decision() == s.path("decision").asLong())) switches.add(s);
        }
        ScheduleShrinker.Pair pair = result.pair();
        if (pair != null) {
            ObjectNode p = r.putObject("criticalPair");
            p.put("decision", pair.decision());
            for (JsonNode s : sites) {
                if (s.path("decision").asLong() == pair.decision()) {
                    p.set("first", s.path("insteadOf")); // went first in the failing run
                    p.set("second", s.path("ran"));
                }
            }
            p.put("failingSchedule", pair.failing().toString());
            p.put("passingSchedule", pair.passing().toString());
        } else r.putNull("criticalPair");
        r.put("replays", replays);
        r.put("replaysFailed", failed);
        return r;
    }

    /** "detsim: shrink: [#####...] shrinking: 41/400 runs, 621 switches -> 3". */
    private String line() {
        int smallest = runs.smallestFailing;
        return "detsim: shrink: " + Progress.bar(runs.runs(), runs.maxRuns()) + " " + stage + ": " + runs.runs() + "/"
                + runs.maxRuns() + " runs" + (from < 0 ? "" : ", " + from + " switches"
                + (smallest < 0 ? "" : " -> " + smallest));
    }
}
