package dev.detsim.cli;

import dev.detsim.recorder.RecordedPreemption;
import static dev.detsim.cli.CommandModel.command;
import static dev.detsim.cli.CommandModel.helpOptions;
import static dev.detsim.cli.CommandModel.positional;

import dev.detsim.recorder.Manifest;
import dev.detsim.recorder.Recording;
import dev.detsim.recorder.RecordingException;
import dev.detsim.sandbox.os.LibDetsim;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/** detsim replay DIR */
final class ReplayCommand implements Callable<Integer> {
    final CommandSpec spec = command(this, "replay", new String[] {
        "Runs the recording in DIR (made by detsim record) again: the same command, environment,"
                + " working directory, options and stdin, stdout and stderr of the recorded kinds, the files the"
                + " recorded run changed or created as it found them (in overlay mounts of its own: the user's"
                + " files are not touched; needs root), with detsim playing the recorded outside TCP and unix-socket"
                + " clients,"
                + " servers (it listens at their addresses, which must be free), datagrams and signals at the points"
                + " the run first saw them, and checks every event against the recorded digest chain."
                + " It first checks the recording and the files it depends on, and refuses, naming each, if one"
                + " changed. When the run is identical the last"
                + " line is \"detsim: replay: identical, N events, digest HEX\" and detsim exits with the recorded"
                + " status; at the first event that differs the run is stopped and detsim shows that event, recorded"
                + " and replayed, with the recorded events before it."},
            "0..255:identical: the program's recorded exit status (killed by signal S: 128+S)",
            "2:bad options, or an outside server's recorded address that replay cannot listen at (one line)",
            "65:the recording cannot be read (corrupt, truncated, not a recording, another version; one line says why)",
            "70:internal error in detsim",
            "87:the run parted from the recording (detsim showed where)",
            "88:a file the recording depends on changed or is gone (one line names each), or the files the run"
                    + " changed cannot be put back (one line says why); nothing was run");
    private final PositionalParamSpec dirParameter = positional(spec, PositionalParamSpec.builder().index("0")
            .arity("1").required(true).paramLabel("DIR").type(Path.class).description("The recording's directory."));

    private Path dir;

    ReplayCommand() {
        helpOptions(spec);
    }

    @Override
    public Integer call() throws Exception {
        dir = dirParameter.getValue();
        PrintWriter err = spec.commandLine().getErr();
        Recording recording;
        try {
            recording = Recording.open(dir);
        } catch (RecordingException e) {
            err.println("detsim: replay: " + e.getMessage());
            return ExitCodes.RECORDING_UNREADABLE;
        }
        Manifest m = recording.manifest();
        if (!Files.isDirectory(Path.of(m.workingDirectory()))) {
            return inputsChanged(err, List.of("the recorded working directory " + m.workingDirectory() + " is gone"));
        }
        List<RecordedPreemption> preemptions;
        List<dev.detsim.recorder.OutsideArrival> outside;
        try {
            preemptions = recording.preemptions();
            outside = recording.outsideArrivals();
        } catch (RecordingException e) {
            err.println("detsim: replay: " + e.getMessage());
            return ExitCodes.RECORDING_UNREADABLE;
        }
        Path work = Files.createTempDirectory("detsim-replay");
        RestoredFiles restored = null;
        try {
            try {
                restored = RestoredFiles.prepare(recording, work);
            } catch (RestoredFiles.CannotRestore e) {
                err.println("detsim: replay: " + e.getMessage() + "; not replaying");
                return ExitCodes.INPUTS_CHANGED;
            }
            // The run's JVM starts now, and gets ready, while the checks below go on; its program starts only after
            // them (StartGate), so nothing runs when one fails.
            try (StartGate gate = StartGate.in(work)) {
                Process p = startRun(m, recording, preemptions, outside, restored, work, gate);
                String refusal = check(recording, m, err);
                if (refusal != null) {
                    p.destroyForcibly().waitFor(); // the program never started: nothing else to end
                    runOutputs.ended();
                    return refusal.equals("inputs") ? ExitCodes.INPUTS_CHANGED : ExitCodes.RECORDING_UNREADABLE;
                }
                long unreplayable = m.outcome().nondeterministicPreemptions()
                        - preemptions.stream().filter(RecordedPreemption::replayable).count();
                if (unreplayable > 0) {
                    err.println("detsim: replay: the recorded run had " + unreplayable + " preemptions that were not"
                            + " deterministic and that replay cannot find again by instruction (a thread stopped in a"
                            + " call, or a counter's late interrupt); it may part from the recording there");
                }
                err.flush();
                gate.go();
                int status = p.waitFor();
                runOutputs.ended();
                return status;
            }
        } finally {
            if (restored != null) restored.remove();
            try (var files = Files.list(work)) {
                for (Path f : files.toList()) Files.deleteIfExists(f);
            }
            Files.deleteIfExists(work);
        }
    }

    private OutputStreams.Plan runOutputs;

    /**
     * Starts the run's JVM, held at gate: the recorded command, environment, options, stdin, kinds of stdout and
     * stderr, preemptions and outside arrivals, in the overlays that restore the files the recorded run changed.
     */
    private Process startRun(Manifest m, Recording recording, List<RecordedPreemption> preemptions,
                             List<dev.detsim.recorder.OutsideArrival> outside, RestoredFiles restored, Path work,
                             StartGate gate) throws Exception {
        Path environ = work.resolve("environ");
        Environment.write(environ, m.environment());
        List<String> cmd = new ArrayList<>(SelfLauncher.command());
        cmd.add("run");
        for (String option : m.runOptions()) {
            try (var schedule = recording.section("schedule")) {
                if (option.startsWith(RecordCommand.SCRIPT_OPTION) && schedule != null) {
                    Path file = work.resolve("schedule"); // the kept switches, not FILE as it is now
                    Files.copy(schedule, file);
                    option = RecordCommand.SCRIPT_OPTION + file;
                }
            }
            cmd.add(option);
        }
        cmd.addAll(restored.runOptions());
        if (!preemptions.isEmpty()) {
            Path file = work.resolve("preemptions");
            Files.writeString(file, RecordedPreemption.write(preemptions));
            cmd.add("--replay-preemptions=" + file);
        }
        if (!outside.isEmpty()) {
            Path file = work.resolve("outside");
            Files.writeString(file, dev.detsim.recorder.OutsideArrival.write(outside));
            cmd.add("--outside-in=" + file);
        }
        // The events section itself: the run reads it, and recomputes its chain, while replay checks it too.
        Path events = dir.toAbsolutePath().resolve(m.sections().get("events").file());
        cmd.addAll(List.of("--expect-events=" + events, "--expect-status=" + m.outcome().status(),
                "--environment-file=" + environ, "--start-when=" + gate.path(), "--"));
        cmd.addAll(m.command());
        if (!restored.none()) cmd = restored.wrap(cmd, m.workingDirectory());
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(new java.io.File(m.workingDirectory()));
        PrintWriter err = spec.commandLine().getErr();
        runOutputs = OutputStreams.plan(pb, m.outputs(), work, err);
        err.flush();
        Process p = pb.start();
        LibDetsim.forwardSignals((int) p.pid());
        feedStdin(recording.section("stdin"), p.getOutputStream());
        runOutputs.started(p);
        return p;
    }

    /**
     * What must hold before the program runs, checked while the run's JVM starts: the files the recording depends
     * on are as recorded (else one line each, and "inputs"), and the events add up to the recorded digest (else
     * one line, and "events"). null: all holds.
     */
    private String check(Recording recording, Manifest m, PrintWriter err) throws Exception {
        var hashing = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return changedInputs(m);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }, r -> Thread.ofPlatform().daemon().name("detsim-replay-hashes").start(r));
        RecordingException corrupt = null;
        try {
            recording.events();
        } catch (RecordingException e) {
            corrupt = e;
        }
        List<String> changed;
        try {
            changed = hashing.get();
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof java.io.UncheckedIOException u) throw u.getCause();
            throw e;
        }
        if (!changed.isEmpty()) {
            inputsChanged(err, changed);
            return "inputs";
        }
        if (corrupt != null) {
            err.println("detsim: replay: " + corrupt.getMessage());
            return "events";
        }
        return null;
    }

    private static int inputsChanged(PrintWriter err, List<String> changed) {
        for (String c : changed) err.println("detsim: replay: " + c);
        err.println("detsim: replay: not replaying: the run would not see what the recorded run saw");
        return ExitCodes.INPUTS_CHANGED;
    }

    /** Each file the recording depends on that is not as recorded, said in words; empty if none. */
    private static List<String> changedInputs(Manifest m) throws IOException {
        List<String> changed = new ArrayList<>();
        for (Manifest.FileHash f : m.files()) {
            Path p = Path.of(f.path());
            if (!Files.isRegularFile(p)) {
                changed.add(f.path() + " is gone");
                continue;
            }
            String sha = Recording.sha256Of(p);
            if (!sha.equals(f.sha256())) {
                changed.add(f.path() + " changed since the recording (SHA-256 " + sha.substring(0, 16) + "..., recorded "
                        + f.sha256().substring(0, Math.min(16, f.sha256().length())) + "...)");
            }
        }
        return changed;
    }

    /**
     * The recorded stdin, through a pipe as record gave it (the program may look: Python fstats it): written by a
     * thread of its own, then closed. A program that stops reading early ends the copy (EPIPE), as when recorded.
     */
    private static void feedStdin(InputStream section, java.io.OutputStream toRun) {
        Thread.ofPlatform().daemon().name("detsim-stdin").start(() -> {
            try (toRun; InputStream in = section == null ? InputStream.nullInputStream() : section) {
                in.transferTo(toRun);
            } catch (IOException e) {
                // the run closed its end: it reads no more
            }
        });
    }
}
