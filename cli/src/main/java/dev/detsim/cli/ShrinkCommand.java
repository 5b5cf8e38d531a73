package dev.detsim.cli;

import static dev.detsim.cli.CommandModel.add;
import static dev.detsim.cli.CommandModel.command;
import static dev.detsim.cli.CommandModel.helpOptions;
import static dev.detsim.cli.CommandModel.option;
import static dev.detsim.cli.CommandModel.positional;

import dev.detsim.recorder.Manifest;
import dev.detsim.recorder.Recording;
import dev.detsim.recorder.RecordingException;
import dev.detsim.recorder.bugs.BugBase;
import dev.detsim.recorder.bugs.BugBaseException;
import dev.detsim.recorder.bugs.BugEntry;
import dev.detsim.scheduler.ScheduleScript;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.ParameterException;

/** detsim shrink [--bugbase=DIR] [--fail-on=WHAT] [--max-runs=N] [--replays=N] [--json=FILE] ID */
final class ShrinkCommand implements Callable<Integer> {
    static final int NOT_SHRUNK = 1;
    /** The criteria of a signature's failedBy, split where the next one starts ("exit,regex:a,b" has two). */
    private static final Pattern CRITERIA = Pattern.compile(",(?=exit$|exit,|signal$|signal,|deadlock$|deadlock,|regex:|check:)");

    final CommandSpec spec = command(this, "shrink", new String[] {
        "Shrinks the schedule of a bug in a bug base (what detsim search found and recorded) to the fewest"
                + " thread switches that still fail the same way, then to the critical pair: the two steps of two"
                + " threads whose order decides pass or fail, with the calls and code sites they were at. Every"
                + " candidate is judged by running it (detsim run --chaos-policy=script:FILE with the entry's seed),"
                + " nothing by guess. The result is kept in the entry (ID/shrunk/: the schedule, a recording of it,"
                + " shrink.json) after its recording failed on every replay (docs/SEARCH.md, Shrinking)."},
            "0:shrunk: the shrunk recording failed the same way on every replay",
            "1:not shrunk: the entry's seed no longer fails as the entry says, or the shrunk recording did not fail"
                    + " on every replay (one line says which)",
            "2:bad options, or no entry ID, or an entry that is not a recorded bug (one line says why)",
            "65:the bug base cannot be read or written (one line says why)",
            "70:internal error in detsim, or a run's detsim failed",
            "130:stopped by SIGINT, SIGTERM, SIGHUP or SIGQUIT; the run in progress was ended, nothing kept");
    private final PositionalParamSpec idParameter = positional(spec, PositionalParamSpec.builder().arity("1")
            .paramLabel("ID").type(String.class).description("The entry's id (or its first characters)."));
    private final OptionSpec bugbaseOption = option(spec, "--bugbase", "DIR", Path.class, "detsim-bugs",
            "The bug base. Default: ${DEFAULT-VALUE}.");
    private final OptionSpec failOnOption = add(spec, OptionSpec.builder("--fail-on").paramLabel("WHAT")
            .type(List.class).auxiliaryTypes(String.class)
            .description("What makes a run a failure, as for detsim search. Default: the criteria that called the"
                    + " entry's runs failures."));
    private final OptionSpec maxRunsOption = option(spec, "--max-runs", "N", int.class, "400",
            "Stop shrinking after N runs and keep the smallest failing schedule found (then not claimed minimal)."
                    + " Default: ${DEFAULT-VALUE}.");
    private final OptionSpec replaysOption = option(spec, "--replays", "N", int.class, "10",
            "How many times the shrunk recording is replayed; it must fail every time. Default: ${DEFAULT-VALUE}.");
    private final OptionSpec jsonOption = option(spec, "--json", "FILE", Path.class, null,
            "Also write the result as JSON to FILE ('-': to stdout, instead of the text).");

    ShrinkCommand() {
        helpOptions(spec);
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut(), err = spec.commandLine().getErr();
        int maxRuns = maxRunsOption.getValue(), replays = replaysOption.getValue();
        if (maxRuns < 1) throw new ParameterException(spec.commandLine(), "--max-runs must be at least 1");
        if (replays < 1) throw new ParameterException(spec.commandLine(), "--replays must be at least 1");
        Path dir = bugbaseOption.<Path>getValue().toAbsolutePath(); // the runs have directories of their own
        BugBase base;
        BugEntry entry;
        try {
            if (!Files.isDirectory(dir)) throw new BugBaseException(dir + " is not a bug base: no such directory");
            base = new BugBase(dir);
            var found = base.find(idParameter.getValue());
            if (found.isEmpty()) {
                err.println("detsim: shrink: " + dir + " has no entry " + idParameter.getValue());
                return ExitCodes.USAGE;
            }
            entry = found.get();
        } catch (BugBaseException e) {
            err.println("detsim: shrink: " + e.getMessage());
            return BugsCommand.UNREADABLE;
        }
        if (!BugEntry.BUG.equals(entry.kind()) || entry.recordingSeed() == null) {
            err.println("detsim: shrink: entry " + entry.id() + " is " + entry.kind() + (entry.recordingSeed() == null
                    ? " without a recording" : "") + ": only a recorded bug (a failure every re-run repeated) can be shrunk");
            return ExitCodes.USAGE;
        }
        FailOn failOn;
        try {
            List<String> given = failOnOption.getValue();
            failOn = FailOn.parse(given != null ? given : List.of(CRITERIA.split(entry.signature().failedBy())));
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        Path entryDir = base.entryDir(entry.id());
        Path root = runRoot(entryDir.resolve(entry.recording()));
        Path work = Files.createTempDirectory("detsim-shrink");
        try {
            SeedRunner runner = new SeedRunner(root, null, withoutSchedule(entry.options()), entry.command(),
                    failOn.checker(), Path.of("").toAbsolutePath());
            ShrinkRuns runs = new ShrinkRuns(runner, entry.recordingSeed(), failOn, work, maxRuns);
            SearchSignals.watch(runs::stop);
            return new Shrinking(entry, base, runs, runner, replays, jsonOption.getValue(), out, err)
                    .shrink(scheduleOf(entry.options()));
        } finally {
            dev.detsim.recorder.FileTrees.delete(work);
            if (!root.equals(work)) dev.detsim.recorder.FileTrees.delete(root);
        }
    }

    /**
     * Where the runs' directories go: where the entry's recorded run had its own, when that is free (so the
     * program sees the same path, as its re-runs did), else a new one.
     */
    private static Path runRoot(Path recording) throws java.io.IOException {
        try {
            Manifest m = Recording.open(recording).manifest();
            Path parent = Path.of(m.workingDirectory()).getParent();
            if (parent != null && !Files.exists(parent)) return Files.createDirectories(parent);
        } catch (RecordingException | java.io.IOException | RuntimeException e) {
            // fall through: any directory will do for the schedule; only the paths the program sees differ
        }
        return Files.createTempDirectory("detsim-shrink-runs");
    }

    /** The entry's run options without its schedule (--chaos, --chaos-policy=...): shrink gives its own. */
    static List<String> withoutSchedule(List<String> options) {
        List<String> rest = new ArrayList<>();
        for (String o : options) if (!isSchedule(o)) rest.add(o);
        return rest;
    }

    /** The entry's schedule options, which the original run repeats. */
    static List<String> scheduleOf(List<String> options) {
        List<String> schedule = new ArrayList<>();
        for (String o : options) if (isSchedule(o)) schedule.add(o);
        return schedule.isEmpty() ? List.of("--chaos") : schedule;
    }

    private static boolean isSchedule(String option) {
        return option.equals("--chaos") || option.startsWith("--chaos-policy=");
    }

    /** ScheduleScript's text of a --stats file's "switches", or null when it has none. */
    static ScheduleScript switchesOf(Path stats) throws java.io.IOException {
        if (!Files.exists(stats)) return null;
        var node = new com.fasterxml.jackson.databind.ObjectMapper().readTree(stats.toFile()).path("switches");
        return node.isTextual() ? ScheduleScript.parse(node.asText()) : null;
    }
}
