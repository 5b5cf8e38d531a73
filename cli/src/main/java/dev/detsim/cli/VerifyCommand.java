package dev.detsim.cli;

import static dev.detsim.cli.CommandModel.command;
import static dev.detsim.cli.CommandModel.helpOptions;
import static dev.detsim.cli.CommandModel.option;
import static dev.detsim.cli.CommandModel.programArguments;

import dev.detsim.recorder.Divergence;
import dev.detsim.recorder.Event;
import dev.detsim.recorder.EventKind;
import dev.detsim.recorder.EventLogFormat;
import dev.detsim.recorder.Recording;
import dev.detsim.recorder.RecordingException;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.ParameterException;

/** detsim verify [--runs N] [run options] -- CMD [ARGS...] */
final class VerifyCommand implements Callable<Integer> {
    static final int DIVERGED = 1;
    private static final int CONTEXT = 3;

    // A run's own status (86 for a deadlock included) is compared like its output: verify never passes it on.
    final CommandSpec spec = command(this, "verify", new String[] {
        "Runs CMD under detsim N times with the same seed and input and checks that every run is the"
                + " same: exit status, stdout and stderr byte for byte, and the event log (its digest chain). On a"
                + " difference it names the first divergent event (with the events before it from both runs) or"
                + " the first differing output line, and exits 1."},
            "0:all runs identical, whatever their status (each run's status is printed)",
            "1:the runs differ",
            "2:bad options, or a file an option names cannot be used (one line says why)",
            "70:internal error in detsim",
            "126:CMD exists but cannot be executed",
            "127:CMD was not found");
    private final PositionalParamSpec commandParameters = programArguments(spec);
    private final OptionSpec runsOption = option(spec, "--runs", "N", int.class, "2",
            "How many runs (>= 2). Default: ${DEFAULT-VALUE}.");
    private final WorldOptions world = new WorldOptions(spec);
    private final OptionSpec inputOption = option(spec, "--input", "FILE", Path.class, null,
            "Standard input of every run (default: /dev/null).");
    private final OptionSpec keepOption = option(spec, "--keep", "DIR", Path.class, null,
            "Keep each run's stdout, stderr and event log in DIR (run-1.stdout, run-1.events, ...).");
    private final OptionSpec recordFailuresOption = option(spec, "--record-failures", "DIR", Path.class, null,
            "Record every run (detsim record) and keep, in DIR, the recordings of the first run and of the run"
                    + " that differs from it (DIR/run-1, DIR/run-N), for detsim replay; none when all are identical.");

    // The options' values, read when the command runs.
    private int runs;
    private Path input;
    private Path keep;
    private Path recordFailures;
    private List<String> command;
    /** The spin sites every compared run counts from its start: --preempt-at's, then what learning runs found. */
    private List<String> sites;
    private static final int LEARNING_RUNS = 4;

    VerifyCommand() {
        helpOptions(spec);
    }

    /** What one run left behind. */
    private record Run(int index, int status, byte[] stdout, byte[] stderr, List<Event> events) {}

    @Override
    public Integer call() throws Exception {
        runs = runsOption.getValue();
        input = inputOption.getValue();
        keep = keepOption.getValue();
        recordFailures = recordFailuresOption.getValue();
        command = commandParameters.getValue();
        PrintWriter err = spec.commandLine().getErr();
        if (runs < 2) throw new ParameterException(spec.commandLine(), "--runs must be at least 2, not " + runs);
        checkInput();
        checkRecordFailures();
        boolean privateTmp = world.privateTmp(true, spec.commandLine());
        world.chaos(spec.commandLine()); // a mistyped --chaos-policy fails here, not in every run
        world.schedule(spec.commandLine());
        if (ProgramLookup.find(command.get(0), System.getenv("PATH")) instanceof ProgramLookup.Failed f) {
            err.println("detsim: " + f.message());
            return f.exitStatus();
        }
        Path dir = keep != null ? keepDirectory() : Files.createTempDirectory("detsim-verify");
        try {
            List<Run> done = new ArrayList<>();
            sites = world.preemptAt();
            Run learned = world.preemptBy().equals("auto") ? learnSpinSites(dir, privateTmp, err) : null;
            for (int i = 1; i <= runs; i++) {
                Run r = i == 1 && learned != null ? learned : runOnce(i, dir, privateTmp, null);
                err.printf("detsim: verify: run %d/%d: status %d, stdout %d bytes, stderr %d bytes, %d events%n",
                        i, runs, r.status(), r.stdout().length, r.stderr().length, r.events().size());
                err.flush();
                done.add(r);
                if (i == 1) relayWarnings(r, err);
                if (i > 1 && !report(done.get(0), r, privateTmp, err)) {
                    if (recordFailures != null) keepRecordings(1, i, err);
                    return DIVERGED;
                }
            }
            if (recordFailures != null) { // nothing failed: none kept
                for (int i = 1; i <= runs; i++) dev.detsim.recorder.FileTrees.delete(recordFailures.resolve("run-" + i));
            }
            Run first = done.get(0);
            String digest = first.events().isEmpty() ? "-" : first.events().get(first.events().size() - 1).chain();
            long unrepeatable = first.events().stream()
                    .filter(e -> e.kind().equals(EventKind.PREEMPT.label()) && e.detail().contains("not deterministic")).count();
            err.printf("detsim: verify: %d runs identical: status %d, stdout %d bytes, stderr %d bytes, %d events,"
                    + " %d nondeterministic preemptions%s, digest %s%n", runs, first.status(), first.stdout().length,
                    first.stderr().length, first.events().size(), unrepeatable,
                    sites.isEmpty() ? "" : " (spin sites counted: " + String.join(",", sites) + ")", digest);
            return 0;
        } finally {
            if (keep == null) dev.detsim.recorder.FileTrees.delete(dir);
        }
    }

    /** --input must be a readable file; said in one line if it is not. */
    private void checkInput() {
        if (input == null) return;
        try (var in = Files.newInputStream(input)) {
            if (Files.isDirectory(input)) throw new IOException("a directory"); // open(2) accepts one; read fails
        } catch (IOException e) {
            throw new FileProblem(spec.commandLine(), "--input", "read", input, e);
        }
    }

    /** --record-failures: a new or empty directory (recordings are never overwritten), else one line. */
    private void checkRecordFailures() throws IOException {
        if (recordFailures == null || !Files.exists(recordFailures)) return;
        if (!Files.isDirectory(recordFailures)) {
            throw new FileProblem(spec.commandLine(), "--record-failures: " + recordFailures + " is not a directory");
        }
        try (var entries = Files.list(recordFailures)) {
            if (entries.findAny().isPresent()) {
                throw new FileProblem(spec.commandLine(), "--record-failures: " + recordFailures + " is not empty");
            }
        }
    }

    /** --keep's directory, created if missing, or one line saying why it cannot be used. */
    private Path keepDirectory() {
        if (Files.exists(keep) && !Files.isDirectory(keep)) {
            throw new FileProblem(spec.commandLine(), "--keep: cannot use " + keep + ": not a directory");
        }
        try {
            Files.createDirectories(keep);
        } catch (IOException e) {
            throw new FileProblem(spec.commandLine(), "--keep", "create", keep, e);
        }
        if (!Files.isWritable(keep)) {
            throw new FileProblem(spec.commandLine(), "--keep: cannot write into " + keep + ": permission denied");
        }
        return keep;
    }

    /**
     * detsim's own warnings in run 1's stderr (lines beginning "detsim: "), once: the runs' stderr is compared,
     * not shown, and a warning such as "/tmp is the host's" explains a divergence before it happens.
     */
    private static void relayWarnings(Run r, PrintWriter err) {
        for (String line : new String(r.stderr(), StandardCharsets.UTF_8).split("\n")) {
            if (line.startsWith("detsim: ")) err.println("detsim: verify: run 1 warned: " + line.substring(8));
        }
    }

    /**
     * Learning runs, before the compared ones: a run whose watchdog found threads spinning names the
     * instructions (its spinSites); the next run counts them from its start, so the same preemptions land at
     * the same execution. Until a run learns nothing new (at most {@link #LEARNING_RUNS}); the runs compared
     * then all count the sites learned. Returns that last run when it can stand as run 1 (not recorded), or null.
     */
    private Run learnSpinSites(Path dir, boolean privateTmp, PrintWriter err)
            throws IOException, InterruptedException, URISyntaxException {
        Path stats = dir.resolve("learning.stats");
        for (int attempt = 1; attempt <= LEARNING_RUNS; attempt++) {
            Run r = runOnce(recordFailures == null ? 1 : 0, dir, privateTmp, stats);
            JsonNode s = Files.exists(stats) ? new ObjectMapper().readTree(stats.toFile()) : null;
            Files.deleteIfExists(stats);
            List<String> found = new ArrayList<>();
            if (s != null && s.has("spinSites")) s.get("spinSites").forEach(n -> found.add(n.asText()));
            int unrepeatable = s == null ? 0 : s.path("nondeterministicPreemptions").asInt();
            if (unrepeatable == 0 || found.equals(sites)) return recordFailures == null ? r : null;
            err.printf("detsim: verify: learning run %d: %d preemptions by the wall-clock watchdog; counting the"
                    + " spin sites %s from the start%n", attempt, unrepeatable, String.join(",", found));
            err.flush();
            sites = found;
        }
        return null;
    }

    private Run runOnce(int index, Path dir, boolean privateTmp, Path stats)
            throws IOException, InterruptedException, URISyntaxException {
        Path out = dir.resolve("run-" + index + ".stdout");
        Path errFile = dir.resolve("run-" + index + ".stderr");
        Path events = dir.resolve("run-" + index + ".events");
        Path recording = recordFailures == null || stats != null ? null : recordFailures.resolve("run-" + index);
        List<String> cmd = new ArrayList<>(SelfLauncher.command());
        cmd.add(recording == null ? "run" : "record");
        cmd.addAll(world.asRunArguments(privateTmp, sites));
        if (stats != null) cmd.add("--stats=" + stats);
        cmd.add(recording == null ? "--events=" + events : "--out=" + recording);
        cmd.add("--");
        cmd.addAll(command);
        Process p = new ProcessBuilder(cmd)
                .redirectInput(input != null ? input.toFile() : new java.io.File("/dev/null"))
                .redirectOutput(out.toFile())
                .redirectError(errFile.toFile())
                .start();
        int status = p.waitFor();
        byte[] stderr = Files.readAllBytes(errFile);
        if (recording != null) {
            stderr = withoutRecordLine(stderr);
            Files.write(errFile, stderr);
            if (Files.exists(recording.resolve(Recording.MANIFEST))) {
                try (var w = Files.newBufferedWriter(events)) {
                    dev.detsim.recorder.RecordedEvents.writeLog(Recording.open(recording).events(), "run " + index, w);
                } catch (RecordingException e) {
                    throw new IOException(e.getMessage());
                }
            }
        }
        List<Event> log = Files.exists(events) ? EventLogFormat.read(events) : List.of();
        return new Run(index, status, Files.readAllBytes(out), stderr, log);
    }

    /** record's last line names its directory, which differs from run to run: not part of what is compared. */
    private static byte[] withoutRecordLine(byte[] stderr) {
        String text = new String(stderr, StandardCharsets.UTF_8);
        int at = text.lastIndexOf(RecordCommand.KEPT);
        return at < 0 ? stderr : text.substring(0, at).getBytes(StandardCharsets.UTF_8);
    }

    /** Keeps the recordings of runs a and b (the first and the one that differs), deletes the others. */
    private void keepRecordings(int a, int b, PrintWriter err) throws IOException {
        for (int i = 1; i <= runs; i++) if (i != a && i != b) dev.detsim.recorder.FileTrees.delete(recordFailures.resolve("run-" + i));
        err.println("detsim: verify: kept the recordings of run " + a + " and run " + b + " in " + recordFailures
                + " (detsim replay " + recordFailures.resolve("run-" + b) + ")");
    }

    /** Compares run b with run a; prints what differs and returns false if anything does. */
    private static boolean report(Run a, Run b, boolean privateTmp, PrintWriter err) {
        List<String> differs = new ArrayList<>();
        if (a.status() != b.status()) differs.add("exit status " + a.status() + " vs " + b.status());
        if (!Arrays.equals(a.stdout(), b.stdout())) differs.add("stdout");
        if (!Arrays.equals(a.stderr(), b.stderr())) differs.add("stderr");
        Optional<Divergence> divergence = Divergence.find(a.events(), b.events(), CONTEXT);
        if (divergence.isPresent()) differs.add("event log");
        if (differs.isEmpty()) return true;
        err.printf("detsim: verify: run %d differs from run 1: %s%n", b.index(), String.join(", ", differs));
        if (divergence.isPresent()) {
            Divergence d = divergence.get();
            err.printf("detsim: verify: first divergent event: #%d%n", d.index());
            printContext(err, 1, d.contextA(), d.index());
            printContext(err, b.index(), d.contextB(), d.index());
            FileSystemDifference.explain(d, b.index(), privateTmp).forEach(err::println);
        }
        if (!Arrays.equals(a.stdout(), b.stdout())) firstDifference(err, "stdout", a, b, a.stdout(), b.stdout());
        if (!Arrays.equals(a.stderr(), b.stderr())) firstDifference(err, "stderr", a, b, a.stderr(), b.stderr());
        return false;
    }

    private static void printContext(PrintWriter err, int run, List<Event> events, long divergent) {
        err.printf("  run %d:%n", run);
        for (Event e : events) {
            err.printf("    %s #%d thread %d %s %s%n", e.seq() == divergent ? ">" : " ", e.seq(), e.thread(), e.kind(),
                    clip(e.detail()));
        }
        if (events.isEmpty() || events.get(events.size() - 1).seq() < divergent) err.println("    > (log ends)");
    }

    private static void firstDifference(PrintWriter err, String what, Run a, Run b, byte[] x, byte[] y) {
        int i = Arrays.mismatch(x, y);
        int line = 1;
        for (int k = 0; k < i; k++) if (x[k] == '\n') line++;
        err.printf("detsim: verify: %s first differs at byte %d (line %d):%n", what, i, line);
        err.printf("  run 1: %s%n", clip(lineAt(x, i)));
        err.printf("  run %d: %s%n", b.index(), clip(lineAt(y, i)));
    }

    private static String lineAt(byte[] bytes, int offset) {
        if (offset >= bytes.length) return "(ends)";
        int start = offset;
        while (start > 0 && bytes[start - 1] != '\n') start--;
        int end = offset;
        while (end < bytes.length && bytes[end] != '\n') end++;
        return new String(bytes, start, end - start, StandardCharsets.UTF_8);
    }

    private static String clip(String s) {
        return s.length() <= 160 ? s : s.substring(0, 160) + "...";
    }
}
