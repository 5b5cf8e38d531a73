package dev.detsim.cli;

import static dev.detsim.cli.CommandModel.add;
import static dev.detsim.cli.CommandModel.command;
import static dev.detsim.cli.CommandModel.helpOptions;
import static dev.detsim.cli.CommandModel.option;
import static dev.detsim.cli.CommandModel.programArguments;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.detsim.recorder.bugs.BugBase;
import dev.detsim.recorder.bugs.BugBaseException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.ParameterException;

/** detsim search --seeds=A..B [--jobs=N] [--until=K] [--fail-on=WHAT] [--bugbase=DIR] [--chaos-policy=SPEC] [run options] -- CMD */
final class SearchCommand implements Callable<Integer> {
    static final int FOUND = 42;
    /** Stopped by SIGINT, SIGTERM, SIGHUP or SIGQUIT (whichever it was: 128 + SIGINT's 2). */
    static final int SIGNALLED = 130;

    final CommandSpec spec = command(this, "search", new String[] {
        "Runs CMD under --chaos once per seed of A..B, N at a time, each in an empty working directory of"
                + " its own, and calls a run a failure as --fail-on says. A failing seed is run 3 times more: the same"
                + " failure every time is a bug, recorded into the bug base; otherwise it is filed there as"
                + " nondeterministic. A seeded fraction of the passing seeds is run again and the event logs'"
                + " digests compared. At the end: a table on stdout (and JSON with --json) of seeds run, failures,"
                + " the failure rate per 1000 seeds with its 95%% interval, and the distinct bugs (docs/SEARCH.md)."},
            "0:no failure was found",
            "42:a bug, a nondeterministic failure or a nondeterminism was found (the bug base has it)",
            "2:bad options, or a file an option names cannot be used (one line says why)",
            "70:internal error in detsim, or a run's detsim failed (an infrastructure error)",
            "130:stopped by SIGINT, SIGTERM, SIGHUP or SIGQUIT; the runs in progress were ended",
            "126:CMD exists but cannot be executed",
            "127:CMD was not found");
    private final PositionalParamSpec commandParameters = programArguments(spec);
    private final OptionSpec seedsOption = add(spec, OptionSpec.builder("--seeds").required(true).paramLabel("A..B")
            .type(String.class).description("The seeds to run, A to B included."));
    private final OptionSpec jobsOption = option(spec, "--jobs", "N", Integer.class, null,
            "How many seeds run at a time. Default: half the CPUs detsim may use (at least 1): each seed's run is"
                    + " a JVM of its own that keeps about two CPUs busy while it starts.");
    private final OptionSpec untilOption = option(spec, "--until", "K", Integer.class, null,
            "Stop once K distinct findings (bugs, nondeterministic failures) are in hand.");
    private final OptionSpec failOnOption = add(spec, OptionSpec.builder("--fail-on").paramLabel("WHAT")
            .type(List.class).auxiliaryTypes(String.class)
            .description("What makes a run a failure; repeatable, any one suffices: 'exit' (a non-zero status,"
                    + " signals and deadlocks included; the default), 'signal', 'deadlock', 'regex:RE' (RE found in"
                    + " stdout or stderr), 'check:CMD' (sh -c CMD, run after the run in its working directory, exits"
                    + " non-zero; its first output line joins the signature)."));
    private final OptionSpec bugbaseOption = option(spec, "--bugbase", "DIR", Path.class, "detsim-bugs",
            "The bug base findings go into (created if missing; merged with what is there)."
                    + " Default: ${DEFAULT-VALUE}.");
    private final OptionSpec spotCheckOption = option(spec, "--spot-check", "FRACTION", double.class, "0.05",
            "The fraction of passing seeds run a second time to compare event-log digests (the draw depends"
                    + " on the seed alone). Default: ${DEFAULT-VALUE}.");
    private final OptionSpec shardOption = option(spec, "--shard", "i/N", String.class, null,
            "Run only shard i (0..N-1) of N: the seeds s with (s - A) mod N = i.");
    private final OptionSpec shardsOption = option(spec, "--shards", "N", Integer.class, null,
            "With no --shard: N shards, this one's index from JOB_COMPLETION_INDEX (Kubernetes Indexed Job) or"
                    + " SLURM_ARRAY_TASK_ID.");
    private final OptionSpec jsonOption = option(spec, "--json", "FILE", Path.class, null,
            "Also write the report as JSON to FILE ('-': to stdout, instead of the table).");
    private final OptionSpec chaosPolicyOption = option(spec, "--chaos-policy", "SPEC", String.class, null,
            "The chaos policy every run of a seed gets, as run's --chaos-policy: 'swarm' (the default: each seed"
                    + " draws one), 'pct[:DEPTH[:HORIZON]]', 'random', 'rr[:MAX-SLICE]', 'sticky[:MEAN-RUN]' or"
                    + " 'script:FILE' (docs/CHAOS.md); the bug base entry's options name it.");
    private final WorldOptions world = new WorldOptions(spec, false);

    SearchCommand() {
        helpOptions(spec);
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut(), err = spec.commandLine().getErr();
        List<String> command = new ArrayList<>(commandParameters.<List<String>>getValue());
        SeedPlan plan;
        FailOn failOn;
        try {
            plan = SeedPlan.of(seedsOption.getValue(), shardOption.getValue(), shardsOption.getValue(), System.getenv());
            failOn = FailOn.parse(failOnOption.getValue());
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        Integer jobsGiven = jobsOption.getValue();
        int jobs = jobsGiven == null ? defaultJobs(Runtime.getRuntime().availableProcessors()) : jobsGiven;
        if (jobs < 1) throw new ParameterException(spec.commandLine(), "--jobs must be at least 1, not " + jobs);
        Integer until = untilOption.getValue();
        if (until != null && until < 1) throw new ParameterException(spec.commandLine(), "--until must be at least 1");
        double fraction = spotCheckOption.getValue();
        if (!(fraction >= 0 && fraction <= 1)) {
            throw new ParameterException(spec.commandLine(), "--spot-check must be between 0 and 1, not " + fraction);
        }
        String chaosPolicy = chaosPolicy(chaosPolicyOption.getValue());
        Path json = jsonOption.getValue();
        Path origin = Path.of("").toAbsolutePath();
        if (command.get(0).contains("/")) command.set(0, origin.resolve(command.get(0)).normalize().toString());
        if (ProgramLookup.find(command.get(0), System.getenv("PATH")) instanceof ProgramLookup.Failed f) {
            err.println("detsim: " + f.message());
            return f.exitStatus();
        }
        BugBase bugBase = bugBase(bugbaseOption.getValue());
        boolean privateTmp = world.privateTmp(true, spec.commandLine());
        Path root = Files.createTempDirectory("detsim-search");
        SeedRunner runner = new SeedRunner(root, chaosPolicy, world.asRunArguments(privateTmp), command, failOn.checker(),
                origin);
        SeedSearch search = new SeedSearch(plan, runner, failOn, bugBase, fraction, until, command);
        err.println("detsim: search: " + plan.describe() + ", " + jobs + " at a time, failure: "
                + String.join(" or ", failOnOption.getValue() == null ? List.of("exit") : failOnOption.<List<String>>getValue())
                + (chaosPolicy == null ? "" : "; --chaos-policy=" + chaosPolicy) + "; bug base " + bugBase.dir());
        err.flush();
        Progress progress = new Progress(err, search.tally, plan.count());
        long start = System.nanoTime();
        String error;
        progress.start();
        SearchSignals.watch(search::signalled);
        try {
            error = search.run(jobs, !world.noPin());
        } finally {
            progress.stop();
            dev.detsim.recorder.FileTrees.delete(root);
        }
        if (search.wasSignalled()) {
            err.println("detsim: search: stopped by a signal after " + search.tally.done() + " seeds; the runs in"
                    + " progress were ended (the bug base holds what was found before)");
            return SIGNALLED;
        }
        if (error != null) {
            err.println("detsim: search: stopped: " + error);
            return ExitCodes.INTERNAL;
        }
        Map<String, Object> report = search.tally.report(plan, bugBase.dir().toString(), (System.nanoTime() - start) / 1e9,
                search.stoppedEarly());
        String text = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(report) + "\n";
        if (json == null || !json.toString().equals("-")) SearchTable.print(out, report);
        if (json != null) {
            if (json.toString().equals("-")) out.print(text);
            else writeJson(json, text);
        }
        out.flush();
        return search.tally.distinct() > 0 ? FOUND : 0;
    }

    /**
     * The --chaos-policy run's gets, checked now (a script: FILE by its absolute path, as runs start elsewhere);
     * null for swarm, which plain --chaos gives.
     */
    private String chaosPolicy(String given) {
        if (given == null) return null;
        try {
            if (given.startsWith("script:")) {
                Path file = Path.of(given.substring("script:".length())).toAbsolutePath();
                dev.detsim.scheduler.ScheduleScript.parse(Files.readString(file));
                return "script:" + file;
            }
            dev.detsim.scheduler.ChaosSpec.parse(given);
            return given;
        } catch (IOException e) {
            throw new FileProblem(spec.commandLine(), "--chaos-policy script: cannot read " + given.substring(7) + ": "
                    + FileProblem.describe(Path.of(given.substring(7)), e));
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--chaos-policy: " + e.getMessage());
        }
    }

    private BugBase bugBase(Path dir) {
        try {
            Files.createDirectories(dir);
            new BugBase(dir).entries(); // a corrupt base is said now, not after the search
        } catch (IOException e) {
            throw new FileProblem(spec.commandLine(), "--bugbase", "create", dir, e);
        } catch (BugBaseException e) {
            throw new FileProblem(spec.commandLine(), "--bugbase: " + e.getMessage());
        }
        return new BugBase(dir);
    }

    private void writeJson(Path file, String text) {
        try {
            Files.writeString(file, text);
        } catch (IOException e) {
            spec.commandLine().getErr().println("detsim: --json: cannot write " + file + ": " + FileProblem.describe(file, e));
        }
    }

    /**
     * Half the CPUs, at least 1: a seed's run is a JVM of its own, whose start-up (its JIT beside the tracer)
     * keeps about two CPUs busy, so two jobs on two CPUs ran slower than one (docs/SEARCH.md, Notes).
     */
    static int defaultJobs(int cpus) {
        return Math.max(1, cpus / 2);
    }
}
