package dev.detsim.cli;

import static dev.detsim.cli.CommandModel.command;
import static dev.detsim.cli.CommandModel.flag;
import static dev.detsim.cli.CommandModel.helpOptions;
import static dev.detsim.cli.CommandModel.isOn;
import static dev.detsim.cli.CommandModel.option;

import dev.detsim.feasibility.Harness;
import dev.detsim.feasibility.Options;
import dev.detsim.feasibility.Progress;
import dev.detsim.feasibility.Report;
import dev.detsim.feasibility.Sandbox;
import dev.detsim.feasibility.Verdict;
import dev.detsim.targets.cockroach.CockroachBinary;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/** detsim feasibility [--quick] [--out DIR] [--cockroach PATH] [--runs N] */
final class FeasibilityCommand implements Callable<Integer> {
    static final int NO_GO = 1;
    static final int INCOMPLETE = 3;

    final CommandSpec spec = command(this, "feasibility", new String[] {
        "Answers the phase-1 go/no-go question of the CockroachDB plan with measurements, natively and under"
                + " detsim: Go scheduling latency (channel ping-pong on one thread and across threads, Gosched,"
                + " timer lateness), thread growth under 1..64 concurrent blocking operations, the cgo call,"
                + " cgo + SQLite storage operations, repeated runs with one seed, and CockroachDB itself"
                + " (cockroach version, start-single-node, basic SQL, SQL latencies) when a binary is given;"
                + " without one, the Go database servers etcd and dqlite-demo stand in.",
        "The plan's thresholds decide the verdict: a basic operation more than 10x slower (p50), thread"
                + " exhaustion below 10 concurrent operations, basic operations failing, or instability (a"
                + " crash, a hang, runs with one seed that differ) is a STOP. NO-GO if any threshold says STOP;"
                + " INCOMPLETE if none does but a row a threshold needs did not run (for example the CockroachDB"
                + " rows without a binary); GO if every threshold passed.",
        "Writes DIR/report.json, DIR/report.md, SVG charts and DIR/logs/ (one log per run); progress goes to"
                + " stderr. The Go benchmarks are built with the system Go toolchain and cached in"
                + " ~/.cache/detsim/feasibility. Takes up to 10 minutes (--quick: 2)."},
            "0:GO",
            "1:NO-GO: a threshold says STOP",
            "3:INCOMPLETE: no STOP, but something the verdict needs did not run",
            "2:bad options (one line says which)",
            "70:internal error in detsim");
    private final OptionSpec quickOption = flag(spec, "--quick", "The short run: fewer samples, N in"
            + " {1,2,4,8,9,10,16,32,64} for thread growth, 2 deterministic runs; at most 2 minutes.");
    private final OptionSpec outOption = option(spec, "--out", "DIR", String.class, "feasibility-report",
            "The report directory (created if missing; report files and logs/ in it are replaced)."
                    + " Default: ${DEFAULT-VALUE}.");
    private final OptionSpec cockroachOption = option(spec, "--cockroach", "PATH", String.class, null,
            "The cockroach binary. Default: $COCKROACH_BINARY, else cockroach on PATH. Without one the"
                    + " CockroachDB rows say 'not run: cockroach binary not found (use --cockroach PATH)' and the"
                    + " verdict is at best INCOMPLETE.");
    private final OptionSpec runsOption = option(spec, "--runs", "N", Integer.class, null,
            "How many times the deterministic workload runs under detsim with one seed (at least 2)."
                    + " Default: 3, with --quick 2.");

    FeasibilityCommand() {
        helpOptions(spec);
    }

    @Override
    public Integer call() throws Exception {
        boolean quick = isOn(quickOption);
        String out = outOption.getValue();
        String cockroach = cockroachOption.getValue();
        Integer runs = runsOption.getValue();
        PrintWriter err = spec.commandLine().getErr();
        if (runs != null && runs < 2) {
            return userError(err, "--runs must be at least 2, not " + runs);
        }
        Path outDir;
        try {
            outDir = Path.of(out).toAbsolutePath().normalize();
        } catch (InvalidPathException e) {
            return userError(err, "--out: not a valid path: " + out);
        }
        String outProblem = prepare(outDir);
        if (outProblem != null) {
            return userError(err, "--out: " + outProblem);
        }
        CockroachBinary.Resolution binary;
        try {
            binary = CockroachBinary.resolve(cockroach == null ? null : Path.of(cockroach));
        } catch (InvalidPathException e) {
            return userError(err, "--cockroach: not a valid path: " + cockroach);
        }
        if (cockroach != null && binary instanceof CockroachBinary.NotFound nf) {
            return userError(err, "--cockroach: " + nf.reason().replaceFirst("^not run: ", ""));
        }
        Options options = Options.of(quick, runs, outDir, binary, System.getenv());
        Harness harness = new Harness(options, new Sandbox(SelfLauncher.command()), new Progress(err), Version.number());
        Report report = harness.run();
        err.println("detsim: feasibility: " + report.verdict().label());
        for (String reason : report.verdictReasons()) {
            err.println("detsim: feasibility:   " + reason);
        }
        err.println("detsim: feasibility: report in " + outDir.resolve("report.md") + " (and report.json, charts, logs/)");
        err.flush();
        return exitStatus(report.verdict());
    }

    static int exitStatus(Verdict v) {
        return switch (v) {
            case GO -> 0;
            case NO_GO -> NO_GO;
            case INCOMPLETE -> INCOMPLETE;
        };
    }

    /** Creates the directory and checks it can be written; the problem in words, or null. */
    private static String prepare(Path dir) {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            return dir + " exists and is not a directory";
        }
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            return "cannot create " + dir + ": " + e.getMessage();
        }
        if (!Files.isWritable(dir)) {
            return dir + " is not writable";
        }
        return null;
    }

    private static int userError(PrintWriter err, String message) {
        err.println("detsim: feasibility: " + message);
        return ExitCodes.USAGE;
    }
}
