package dev.detsim.cli;

import dev.detsim.recorder.EventLogFormat;
import dev.detsim.recorder.RecordedEvents;
import dev.detsim.recorder.Recording;
import dev.detsim.recorder.RecordingException;
import dev.detsim.recorder.bugs.BugBase;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs one seed of a search as a child detsim (run, or record when the run is to be kept), in a working
 * directory of the seed's own — ROOT/seed-N, emptied before every run of the seed, so that every run of it
 * starts from the same empty directory at the same path — then the checker there, in the state the run left.
 */
final class SeedRunner {
    /** run's line when a signal killed the program, with the crash site when there is one (group 2). */
    private static final Pattern KILLED = Pattern.compile(
            "(?m)^detsim: .* killed by signal (SIG[A-Z0-9]+) \\([^)]*\\)(?: \\(core dumped\\))?(?: at (.+))?$");
    private static final Pattern DEADLOCK = Pattern.compile("(?m)^detsim: deadlock at ");

    /**
     * A run shorter than this is mostly its JVM's start-up, whose JIT compiles with C2 for little gain; once every
     * run so far was this short, later runs' JVMs compile with C1 only (a CPU's worth less JIT, which with several
     * jobs is another seed's CPU). DETSIM_JAVA_OPTIONS, which comes after, can set the JIT otherwise.
     */
    static final long SHORT_RUN_NANOS = 3_000_000_000L;
    static final String QUICK_JIT = "-XX:TieredStopAtLevel=1";
    private final java.util.concurrent.atomic.AtomicInteger shortRuns = new java.util.concurrent.atomic.AtomicInteger();
    private volatile boolean longRunSeen;

    private final Path root;
    private final String chaosPolicy;
    private final List<String> runOptions;
    private final List<String> command;
    private final String checker;
    private final Path origin;

    /**
     * @param root a directory of the search's own for the runs' directories and outputs
     * @param chaosPolicy the --chaos-policy every run gets, or null for plain --chaos (swarm)
     * @param runOptions the options of detsim run besides --seed and --chaos
     * @param command the program (a relative path with a slash already made absolute) and its arguments
     * @param checker the check:CMD command, or null
     * @param origin the directory search was started in (DETSIM_SEARCH_ORIGIN for the program and the checker)
     */
    SeedRunner(Path root, String chaosPolicy, List<String> runOptions, List<String> command, String checker, Path origin) {
        this.root = root;
        this.chaosPolicy = chaosPolicy;
        this.runOptions = runOptions;
        this.command = command;
        this.checker = checker;
        this.origin = origin;
    }

    /** The options a run of the seed gets with schedule (--chaos, --chaos-policy=SPEC) as its schedule. */
    List<String> optionsFor(long seed, List<String> schedule) {
        List<String> options = new ArrayList<>(List.of("--seed=" + seed));
        options.addAll(schedule);
        options.addAll(runOptions);
        return options;
    }

    /** The options a bug base entry records: those of run besides --seed. */
    List<String> entryOptions() {
        List<String> options = new ArrayList<>(List.of(chaos()));
        options.addAll(runOptions);
        return options;
    }

    /** --chaos, or the --chaos-policy (which implies it) that search was given. */
    private String chaos() {
        return chaosPolicy == null ? "--chaos" : "--chaos-policy=" + chaosPolicy;
    }

    /** Runs seed once; with recordTo (a directory that does not exist yet), as detsim record into it. */
    Attempt run(long seed, String label, Path recordTo) throws IOException, InterruptedException, java.net.URISyntaxException {
        return run(seed, label, recordTo, List.of(chaos()));
    }

    /** {@link #run(long, String, Path)} with schedule's options (--chaos, --chaos-policy=..., --stats=...) instead of --chaos. */
    Attempt run(long seed, String label, Path recordTo, List<String> schedule)
            throws IOException, InterruptedException, java.net.URISyntaxException {
        Path events = outputs().resolve(name(seed, label) + ".events");
        List<String> args = new ArrayList<>();
        args.add(recordTo == null ? "run" : "record");
        args.addAll(optionsFor(seed, schedule));
        args.add(recordTo == null ? "--events=" + events : "--out=" + recordTo);
        args.add("--");
        args.addAll(command);
        return attempt(seed, label, args, recordTo);
    }

    /** Replays recording (made by a run of seed) in the seed's directory, emptied first, as a run of it. */
    Attempt replay(long seed, String label, Path recording) throws IOException, InterruptedException, java.net.URISyntaxException {
        return attempt(seed, label, List.of("replay", recording.toString()), null);
    }

    private Path outputs() throws IOException {
        return Files.createDirectories(root.resolve("outputs"));
    }

    private static String name(long seed, String label) {
        return "seed-" + seed + "-" + label.replace(' ', '-');
    }

    private Attempt attempt(long seed, String label, List<String> detsimArguments, Path recordTo)
            throws IOException, InterruptedException, java.net.URISyntaxException {
        Path work = root.resolve("seed-" + seed);
        dev.detsim.recorder.FileTrees.delete(work);
        Files.createDirectories(work);
        String name = name(seed, label);
        Path outputs = outputs();
        Path out = outputs.resolve(name + ".stdout"), err = outputs.resolve(name + ".stderr");
        Path events = outputs.resolve(name + ".events");
        List<String> cmd = new ArrayList<>(SelfLauncher.command());
        if (shortRuns.get() > 0 && !longRunSeen) cmd.add(1, QUICK_JIT);
        cmd.addAll(detsimArguments);
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(work.toFile())
                .redirectInput(new java.io.File("/dev/null")).redirectOutput(out.toFile()).redirectError(err.toFile());
        environment(pb.environment(), work);
        long began = System.nanoTime();
        int status = pb.start().waitFor();
        if (System.nanoTime() - began < SHORT_RUN_NANOS) shortRuns.incrementAndGet();
        else longRunSeen = true;
        String stdout = text(out);
        String stderr = text(err);
        if (recordTo != null) {
            int kept = stderr.lastIndexOf(RecordCommand.KEPT);
            if (kept >= 0) stderr = stderr.substring(0, kept);
            if (Files.exists(recordTo.resolve(Recording.MANIFEST))) {
                try (Writer w = Files.newBufferedWriter(events)) {
                    RecordedEvents.writeLog(Recording.open(recordTo).events(), name, w);
                } catch (RecordingException e) {
                    throw new IOException(e.getMessage());
                }
            }
        }
        boolean hasEvents = Files.exists(events);
        String digest = hasEvents ? EventLogFormat.digestOf(EventLogFormat.read(events)) : "-";
        Integer checkStatus = null;
        String checkLine = null;
        if (checker != null) {
            Path check = outputs.resolve(name + ".check");
            ProcessBuilder c = new ProcessBuilder("sh", "-c", checker).directory(work.toFile())
                    .redirectInput(new java.io.File("/dev/null")).redirectErrorStream(true).redirectOutput(check.toFile());
            Map<String, String> env = c.environment();
            environment(env, work);
            env.put("DETSIM_SEARCH_SEED", Long.toString(seed));
            env.put("DETSIM_SEARCH_STATUS", Integer.toString(status));
            env.put("DETSIM_SEARCH_STDOUT", out.toString());
            env.put("DETSIM_SEARCH_STDERR", err.toString());
            checkStatus = c.start().waitFor();
            String text = text(check);
            checkLine = text.isEmpty() ? "" : text.lines().findFirst().orElse("");
        }
        dev.detsim.recorder.FileTrees.delete(work);
        Files.createDirectories(work); // empty, as every run of the seed found it (a recording replays there)
        String[] signal = killedBy(stderr);
        return new Attempt(seed, label, status, signal[0], signal[1], DEADLOCK.matcher(stderr).find(),
                stdout, stderr, hasEvents ? events : null, digest, checkStatus, checkLine, recordTo,
                stderr.contains("detsim: internal error"));
    }

    /** From run's stderr: the signal that killed the program and where it crashed; each null when not said. */
    static String[] killedBy(String stderr) {
        Matcher killed = KILLED.matcher(stderr);
        return killed.find() ? new String[] {killed.group(1), killed.group(2)} : new String[2];
    }

    /** Where a seed's recording goes (not created). */
    Path recordingDir(long seed) throws IOException {
        return Files.createDirectories(root.resolve("recordings")).resolve("seed-" + seed);
    }

    /** Deletes what the seed's runs left among the outputs (its event logs once they are kept or not needed). */
    void forget(long seed) throws IOException {
        Path outputs = root.resolve("outputs");
        if (!Files.isDirectory(outputs)) return;
        try (var files = Files.list(outputs)) {
            for (Path f : files.filter(p -> p.getFileName().toString().startsWith("seed-" + seed + "-")).toList()) {
                Files.deleteIfExists(f);
            }
        }
    }

    /** A file's bytes as UTF-8 text (a malformed byte becomes U+FFFD, the same in every run). */
    private static String text(Path file) throws IOException {
        return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
    }

    private void environment(Map<String, String> env, Path work) {
        env.put("PWD", work.toString());
        env.put("DETSIM_SEARCH_ORIGIN", origin.toString());
    }
}
