package dev.detsim.cli;

import dev.detsim.recorder.RecordedPreemption;
import dev.detsim.recorder.OutsideArrival;
import dev.detsim.sandbox.handlers.OutsidePeers;
import dev.detsim.sandbox.world.StdinPipe;
import dev.detsim.sandbox.tracer.preemption.PreemptionRecords;
import static dev.detsim.cli.CommandModel.add;
import static dev.detsim.cli.CommandModel.command;
import static dev.detsim.cli.CommandModel.flag;
import static dev.detsim.cli.CommandModel.helpOptions;
import static dev.detsim.cli.CommandModel.isOn;
import static dev.detsim.cli.CommandModel.option;
import static dev.detsim.cli.CommandModel.programArguments;

import dev.detsim.sandbox.Sandbox;
import dev.detsim.sandbox.world.InputFiles;
import dev.detsim.sandbox.arch.Arch;
import dev.detsim.abi.Signals;
import dev.detsim.sandbox.syscall.Syscall;
import dev.detsim.sandbox.tracer.Outcome;
import dev.detsim.sandbox.tracer.SpawnException;
import dev.detsim.sandbox.tracer.Tracer;
import dev.detsim.recorder.EventLog;
import dev.detsim.recorder.ReplayDivergence;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.ParameterException;

/** detsim run [options] -- CMD [ARGS...] */
final class RunCommand implements Callable<Integer> {
    final CommandSpec spec = command(this, "run", new String[] {
        "Runs CMD under detsim's tracer. stdin, stdout, stderr, the environment, the working directory"
                + " and descriptors above 2 pass through untouched; detsim exits with CMD's status (128+S if a signal"
                + " S killed it). SIGINT, SIGTERM, SIGHUP and SIGQUIT sent to detsim go to CMD. If detsim dies, every"
                + " traced process dies with it; processes CMD leaves running when it exits are killed."},
            "0..255:CMD's own exit status (killed by signal S: 128+S)",
            "2:bad options, or a file an option names cannot be used (one line says why)",
            "70:internal error in detsim",
            "86:deadlock: every thread waits and nothing can end a wait (detsim says who waits on what)",
            "126:CMD exists but cannot be executed",
            "127:CMD was not found");
    private final PositionalParamSpec commandParameters = programArguments(spec);
    private final WorldOptions world = new WorldOptions(spec);
    private final OptionSpec interceptOption = add(spec, OptionSpec.builder("--intercept").splitRegex(",")
            .paramLabel("SYSCALL").type(List.class).auxiliaryTypes(String.class)
            .description("Also stop on these syscalls (names as in the kernel, e.g. getppid) and pass them through"
                    + " unchanged; for measuring and debugging the interception path."));
    private final OptionSpec traceOption = add(spec, OptionSpec.builder("--trace-syscalls").arity("0..1")
            .paramLabel("FILE").fallbackValue("-").type(String.class)
            .description("Print a line per syscall: thread, name, decoded arguments and result, to FILE or"
                    + " to stderr. Every syscall stops while tracing, so the program runs slower."));
    private final OptionSpec digestOption = flag(spec, "--digest",
            "At exit, print the digest of the run's event log and its length to stderr"
                    + " (\"detsim: digest HEX (N events)\").");
    private final OptionSpec eventsOption = option(spec, "--events", "FILE", Path.class, null,
            "Write the run's event log to FILE (versioned text format, docs/EVENT-LOG.md).");
    private final OptionSpec statsOption = option(spec, "--stats", "FILE", Path.class, null,
            "At exit, write what the tracer counted to FILE as one JSON object: threadsCreated,"
                    + " processesCreated, peakLiveThreads, syscallStops, futexWordWakes (futex waits ended by a Go"
                    + " wake that did not stop), nondeterministicPreemptions,"
                    + " deterministicPreemptions, virtualNanos, branchCounters (what the probe found), preemption"
                    + " (what preempted), watchdogSite (FILE:0xOFFSET where the watchdog first stopped a thread),"
                    + " rdtsc (trapped: every rdtsc reads virtual time; go-runtime-only: only Go runtime's), and schedule"
                    + " (the scheduling policy: under chaos the --chaos-policy spec that repeats the run with its seed),"
                    + " and switches (under chaos, the schedule as data, for --chaos-policy=script:FILE).");
    private final OptionSpec benchmarkClockOption = flag(spec, "--benchmark-clock",
            "Let CLOCK_MONOTONIC_RAW read the host's clock, so that a benchmark can time itself with"
                    + " real time while every other clock stays virtual. The run is then not deterministic if the"
                    + " program's behaviour depends on what it reads.");

    // Hidden: replay's (ReplayCommand, ReplayCheck). The recording's events section (its events.gz), which every
    // event of this run must match; its exit status; the program's environment, NUL-separated "NAME=value" in order.
    private final OptionSpec expectEventsOption = add(spec, OptionSpec.builder("--expect-events").type(Path.class)
            .hidden(true));
    private final OptionSpec expectStatusOption = add(spec, OptionSpec.builder("--expect-status").type(Integer.class)
            .hidden(true));
    private final OptionSpec environmentFileOption = add(spec, OptionSpec.builder("--environment-file")
            .type(Path.class).hidden(true));
    // Hidden: record's (where to keep the files the run read and changed, world/InputFiles) and replay's (an
    // overlay at DIR stands for host device DEV: ReplayCommand's RestoredFiles).
    private final OptionSpec inputFilesOption = add(spec, OptionSpec.builder("--input-files").type(Path.class)
            .hidden(true));
    private final OptionSpec sameDeviceOption = add(spec, OptionSpec.builder("--same-device").type(List.class)
            .auxiliaryTypes(String.class).hidden(true));
    // record: where the run's watchdog preemptions go; replay: the recorded ones to preempt at again.
    private final OptionSpec preemptionsOutOption = add(spec, OptionSpec.builder("--preemptions-out")
            .type(Path.class).hidden(true));
    private final OptionSpec replayPreemptionsOption = add(spec, OptionSpec.builder("--replay-preemptions")
            .type(Path.class).hidden(true));
    // record: where what outside TCP clients sent goes (and stdin's timing: the program's stdin becomes a pipe
    // detsim fills at its looks); replay: the recorded arrivals its stand-ins give again.
    private final OptionSpec outsideOutOption = add(spec, OptionSpec.builder("--outside-out")
            .type(Path.class).hidden(true));
    private final OptionSpec outsideInOption = add(spec, OptionSpec.builder("--outside-in")
            .type(Path.class).hidden(true));

    // replay's: a FIFO to wait on before the program starts (StartGate), while replay still checks the recording.
    private final OptionSpec startWhenOption = add(spec, OptionSpec.builder("--start-when").type(Path.class)
            .hidden(true));

    // shrink's: under chaos, where each switch happened (sandbox/tracer/SwitchSites).
    private final OptionSpec switchSitesOption = add(spec, OptionSpec.builder("--switch-sites")
            .type(Path.class).hidden(true));

    // The options' values, read when the command runs.
    private List<String> command;
    private String traceFile;
    private Path eventsFile;
    private Path statsFile;
    private Path expectedEvents;
    private Integer expectedStatus;
    private Path environmentFile;
    /** record's: the program's stdin pipe, which also keeps every byte detsim's stdin gave. */
    private StdinPipe recordedStdin;
    /** record's: the recording's events section, written as the run goes. */
    private dev.detsim.recorder.EventsSection recordedEvents;

    RunCommand() {
        helpOptions(spec);
    }

    @Override
    public Integer call() throws Exception {
        command = commandParameters.getValue();
        traceFile = traceOption.getValue();
        eventsFile = eventsOption.getValue();
        statsFile = statsOption.getValue();
        expectedEvents = expectEventsOption.getValue();
        expectedStatus = expectStatusOption.getValue();
        environmentFile = environmentFileOption.getValue();
        var err = spec.commandLine().getErr();
        Arch arch;
        try {
            arch = Arch.current();
        } catch (Arch.UnsupportedArchitectureException e) {
            err.println("detsim: " + e.getMessage());
            return ExitCodes.INTERNAL;
        }
        Set<Syscall> intercepted = parseSyscalls(arch);
        List<String> environment = environmentFile == null ? null : Environment.read(environmentFile);
        ProgramLookup.Result lookup = ProgramLookup.find(command.get(0),
                environment == null ? System.getenv("PATH") : Environment.get(environment, "PATH"));
        if (lookup instanceof ProgramLookup.Failed f) {
            err.println("detsim: " + f.message());
            return f.exitStatus();
        }
        String path = ((ProgramLookup.Found) lookup).path().toString();

        PrintStream warnings = new PrintStream(new FileOutputStream(java.io.FileDescriptor.err), true, StandardCharsets.UTF_8);
        PrintStream trace = openTrace(warnings);
        Writer eventsOut = openEvents();
        Writer statsOut = open("--stats", statsFile); // now, not at exit: a mistyped path should not cost a run
        EventLog events = new EventLog(eventsOut, "seed=" + world.seed() + " cmd=" + String.join(" ", command));
        if (recordedEvents != null) events.copyTo(recordedEvents);
        Path preemptionsOut = preemptionsOutOption.getValue();
        PreemptionRecords records = preemptionRecords(preemptionsOut, replayPreemptionsOption.getValue());
        Path outsideOut = outsideOutOption.getValue();
        OutsidePeers outsidePeers = outsidePeers(outsideOut, outsideInOption.getValue(), warnings);
        Sandbox sandbox;
        InputFiles inputFiles = inputFilesOption.getValue() == null ? null : new InputFiles(inputFilesOption.getValue());
        try {
            Sandbox.Builder builder = Sandbox.builder();
            List<String> sameDevices = sameDeviceOption.getValue();
            for (String s : sameDevices == null ? List.<String>of() : sameDevices) {
                int eq = s.lastIndexOf('=');
                builder.sameDevice(Path.of(s.substring(0, eq)), Long.parseLong(s.substring(eq + 1)));
            }
            sandbox = builder.seed(world.seed()).cpus(world.cpus()).epoch(world.epoch())
                    .chaos(world.chaos(spec.commandLine())).schedule(world.schedule(spec.commandLine()))
                    .pinToOneCpu(!world.noPin()).pidNamespace(!world.hostPids()).benchmarkClock(isOn(benchmarkClockOption))
                    .privateTmp(world.privateTmp(false, spec.commandLine()))
                    .preemption(PreemptionChoice.parse(world.preemptBy(), world.preemptAt(), spec.commandLine()).with(records))
                    .intercept(intercepted).trace(trace).keepFds(inheritedFds()).warnings(warnings).events(events)
                    .environment(environment).inputFiles(inputFiles).outsidePeers(outsidePeers)
                    .switchSites(switchSitesOption.getValue())
                    .build();
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        ReplayCheck replay = expectedEvents == null ? null : ReplayCheck.load(expectedEvents, expectedStatus, events);
        Path startWhen = startWhenOption.getValue();
        if (startWhen != null && !StartGate.await(startWhen)) return ExitCodes.INTERNAL; // replay went away
        Outcome outcome = null;
        try {
            outcome = sandbox.run(path, command);
            events.finish();
        } catch (ReplayDivergence d) {
            return replay.diverged(d, warnings);
        } catch (SpawnException e) {
            err.println("detsim: " + command.get(0) + ": " + e.getMessage());
            return e.errno() == 2 ? ExitCodes.NOT_FOUND : ExitCodes.CANNOT_EXECUTE;
        } finally {
            if (trace != null && trace != warnings) trace.close();
            if (eventsOut != null) eventsOut.close();
            if (inputFiles != null) inputFiles.close();
            outsidePeers.close();
            if (statsOut != null && outcome == null) statsOut.close();
        }
        if (statsOut != null) writeStats(statsOut, outcome, warnings);
        if (preemptionsOut != null) Files.writeString(preemptionsOut, RecordedPreemption.write(records.made()));
        if (outsideOut != null) Files.writeString(outsideOut, OutsideArrival.write(outsidePeers.arrivals()));
        if (isOn(digestOption)) warnings.println("detsim: digest " + events.digest() + " (" + events.count() + " events)");
        if (outcome.stats().nondeterministicPreemptions() > 0) warnings.println(preemptionWarning(outcome.stats()));
        if (outcome.deadlock() != null) {
            warnings.println("detsim: " + outcome.deadlock());
            return replay != null ? replay.ended(ExitCodes.DEADLOCK, events, warnings) : ExitCodes.DEADLOCK;
        }
        if (outcome.leftoverProcessesKilled() > 0) {
            warnings.println("detsim: " + command.get(0) + " exited leaving " + outcome.leftoverProcessesKilled()
                    + " traced process(es) running; detsim killed them");
        }
        if (outcome.signal() != 0) {
            warnings.println("detsim: " + command.get(0) + " killed by signal " + Signals.name(outcome.signal())
                    + " (" + Signals.description(outcome.signal()) + ")"
                    + (outcome.coreDumped() ? " (core dumped)" : "")
                    + (outcome.stats().crashSite() != null ? " at " + outcome.stats().crashSite() : ""));
        }
        if (replay != null) return replay.ended(outcome.shellStatus(), events, warnings);
        return outcome.shellStatus();
    }

    /** record (which runs this in its own JVM): the events go into section as well, as the run goes. */
    void recordEventsTo(dev.detsim.recorder.EventsSection section) {
        recordedEvents = section;
    }

    /**
     * record (which runs this in its own JVM): every byte that came on detsim's stdin before the run ended, read or
     * not; empty when the run did not get as far as taking stdin over.
     */
    byte[] stdinReceived() throws InterruptedException {
        return recordedStdin == null ? new byte[0] : recordedStdin.received(200);
    }

    /** What the run does with outside TCP clients: keep them (record's --outside-out), play them (--outside-in). */
    private OutsidePeers outsidePeers(Path out, Path in, PrintStream warnings) throws IOException {
        if (out != null) {
            OutsidePeers p = OutsidePeers.recording(warnings);
            recordedStdin = StdinPipe.interpose(true);
            p.keepStdin(recordedStdin);
            return p;
        }
        if (in == null) return OutsidePeers.off();
        try (var s = Files.newInputStream(in)) {
            List<OutsideArrival> arrivals = OutsideArrival.read(s);
            OutsidePeers p = OutsidePeers.replaying(arrivals, warnings);
            if (OutsideArrival.keepsStdin(arrivals)) p.keepStdin(StdinPipe.interpose(false));
            return p;
        } catch (dev.detsim.sandbox.world.StandInServer.Unavailable e) {
            throw new FileProblem(spec.commandLine(), "replay: " + e.getMessage());
        } catch (IOException e) {
            throw new FileProblem(spec.commandLine(), "--outside-in: " + in + ": " + e.getMessage());
        }
    }

    /** The watchdog preemptions to replay (a file replay extracted from a recording) and whether to keep the run's. */
    private PreemptionRecords preemptionRecords(Path out, Path replay) throws IOException {
        List<RecordedPreemption> toReplay = List.of();
        if (replay != null) {
            try (var in = Files.newInputStream(replay)) {
                toReplay = RecordedPreemption.read(in);
            } catch (IOException e) {
                throw new FileProblem(spec.commandLine(), "--replay-preemptions: " + replay + ": " + e.getMessage());
            }
        }
        return new PreemptionRecords(toReplay, out != null, expectEventsOption.getValue() != null);
    }

    /** The end-of-run warning that some preemptions were not deterministic, with what could make them so. */
    static String preemptionWarning(dev.detsim.sandbox.tracer.RunStats stats) {
        String site = !stats.spinSites().isEmpty()
                ? "; detsim counted the spinning instructions it found from then on; --preempt-at="
                + String.join(",", stats.spinSites()) + " counts them from the start (detsim verify does so by itself)"
                : stats.watchdogSite() == null ? ""
                : "; the first stopped a thread at " + stats.watchdogSite() + ": --preempt-by probe:"
                + stats.watchdogSite() + " counts that instruction and preempts there deterministically";
        return "detsim: " + stats.nondeterministicPreemptions() + " preemptions were not deterministic; this run"
                + " may not replay (a thread ran " + Tracer.WATCHDOG_MILLIS + " ms without a syscall while others"
                + " could run, or a counter's interrupt came late; " + stats.branchCounters() + site + ")";
    }

    private Set<Syscall> parseSyscalls(Arch arch) {
        Set<Syscall> set = EnumSet.noneOf(Syscall.class);
        List<String> names = interceptOption.getValue();
        for (String name : names == null ? List.<String>of() : names) {
            Syscall s;
            try {
                s = Syscall.valueOf(name.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), "--intercept: unknown syscall '" + name + "'");
            }
            if (arch.number(s) < 0) {
                throw new ParameterException(spec.commandLine(),
                        "--intercept: " + name + " does not exist on " + arch.name());
            }
            set.add(s);
        }
        return set;
    }

    private PrintStream openTrace(PrintStream stderr) {
        if (traceFile == null) return null;
        if (traceFile.equals("-")) return stderr;
        Path file = Path.of(traceFile);
        try {
            return new PrintStream(new BufferedOutputStream(Files.newOutputStream(file), 1 << 16), false,
                    StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new FileProblem(spec.commandLine(), "--trace-syscalls", "write", file, e);
        }
    }

    private void writeStats(Writer out, Outcome outcome, PrintStream warnings) {
        try (out) {
            out.write(outcome.stats().toJson() + "\n");
        } catch (IOException e) {
            warnings.println("detsim: --stats: cannot write " + statsFile + ": " + FileProblem.describe(statsFile, e));
        }
    }

    private Writer openEvents() {
        return open("--events", eventsFile);
    }

    /** Opens an option's output file before the run, or says in one line why it cannot be written. */
    private Writer open(String option, Path file) {
        if (file == null) return null;
        try {
            return Files.newBufferedWriter(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new FileProblem(spec.commandLine(), option, "write", file, e);
        }
    }

    /** Descriptors above 2 that detsim's caller handed it, as the launcher found them (detsim.inheritedFds). */
    static int[] inheritedFds() {
        // A plain loop: a stream's lambdas are spun at run time when the AOT cache's training had no such list.
        String[] items = System.getProperty("detsim.inheritedFds", "").split(",");
        int[] fds = new int[items.length];
        int n = 0;
        for (String item : items) {
            String t = item.trim();
            if (t.isEmpty()) continue;
            int fd = Integer.parseInt(t);
            if (fd > 2) fds[n++] = fd;
        }
        return Arrays.copyOf(fds, n);
    }
}
