package dev.detsim.cli;

import dev.detsim.recorder.RecordedPreemption;
import static dev.detsim.cli.CommandModel.add;
import static dev.detsim.cli.CommandModel.command;
import static dev.detsim.cli.CommandModel.helpOptions;
import static dev.detsim.cli.CommandModel.programArguments;

import dev.detsim.recorder.Event;
import dev.detsim.recorder.EventKind;
import dev.detsim.recorder.EventLogFormat;
import dev.detsim.recorder.EventsSection;
import dev.detsim.recorder.Manifest;
import dev.detsim.recorder.Recording;
import dev.detsim.sandbox.arch.Arch;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/** detsim record --out=DIR [options] -- CMD [ARGS...] */
final class RecordCommand implements Callable<Integer> {
    final CommandSpec spec = command(this, "record", new String[] {
        "Runs CMD as detsim run does (same output, same exit status) and keeps the run in DIR, a"
                + " recording that detsim replay runs again and checks event by event (docs/RECORDING.md). Kept: the"
                + " command, environment, working directory and options, the event log, everything read from stdin,"
                + " the kinds of stdout and stderr, the SHA-256 of every program executed and file read, and the"
                + " files CMD changed or created as they were before. stdin reaches CMD through a"
                + " pipe (so CMD sees no terminal), what TCP and unix-socket clients outside the run sent to CMD's"
                + " listeners, what"
                + " TCP and unix-socket servers outside the run sent on CMD's connections to them, the UDP datagrams"
                + " from outside, and the SIGINT/SIGTERM/SIGHUP/SIGQUIT sent to detsim, each with the point of the run"
                + " where it arrived (replay plays those clients, servers, datagrams and signals itself). Other outside"
                + " input (unix datagram sockets, signals sent to CMD itself, descriptors above 2) is not"
                + " kept yet: such runs may not replay, and replay says where they part."},
            "0..255:CMD's own exit status (killed by signal S: 128+S), as with run",
            "2:bad options, DIR cannot be used, or stdin is closed (one line says why)",
            "70:internal error in detsim",
            "86:deadlock, as with run");
    private final PositionalParamSpec commandParameters = programArguments(spec);
    private final OptionSpec outOption = add(spec, OptionSpec.builder("--out").required(true).paramLabel("DIR")
            .type(Path.class).description("Where the recording goes: a new or empty directory."));
    private final WorldOptions world = new WorldOptions(spec);
    private final OptionSpec portableOption = CommandModel.flag(spec, "--portable",
            "Keep the content of every file the run read and every program it executed in the recording, not only"
                    + " their SHA-256, so that it replays on a machine that lacks them or has other versions (replay"
                    + " puts them in place in overlay mounts of its own, which needs root). Without it, replay refuses"
                    + " where one of them differs.");

    /** The start of record's last line, which names the recording. */
    static final String KEPT = "detsim: record: kept the run in ";

    private Path out;
    private List<String> command;

    RecordCommand() {
        helpOptions(spec);
    }

    @Override
    public Integer call() throws Exception {
        RunPrelude.startFor(new String[] {"run"}); // the run is this JVM's: its set-up goes on while record prepares
        // The manifest's JSON library, warmed while the run goes; at the lowest priority (nice 4 as root), as the run
        // needs its CPU more than this needs to be done early.
        Thread.ofPlatform().daemon().name("detsim-record-warm-up").priority(Thread.MIN_PRIORITY).start(Recording::warmUp);
        out = outOption.getValue();
        command = commandParameters.getValue();
        PrintWriter err = spec.commandLine().getErr();
        boolean privateTmp = world.privateTmp(true, spec.commandLine());
        world.chaos(spec.commandLine()); // a mistyped --chaos-policy fails here, not in every run
        world.schedule(spec.commandLine());
        ProgramLookup.Result lookup = ProgramLookup.find(command.get(0), System.getenv("PATH"));
        if (lookup instanceof ProgramLookup.Failed f) {
            err.println("detsim: " + f.message());
            return f.exitStatus();
        }
        Path program = ((ProgramLookup.Found) lookup).path();
        if (stdinClosed()) {
            err.println("detsim: record: stdin is closed; give the program an empty one with </dev/null");
            return ExitCodes.USAGE;
        }
        prepareOut();
        int[] inherited = RunCommand.inheritedFds();
        if (inherited.length > 0) { // replay's run could not have them, so record's run does not get them either
            err.println("detsim: record: descriptors " + java.util.Arrays.toString(inherited).replaceAll("[\\[\\] ]", "")
                    + " handed to detsim do not reach " + command.get(0) + " (not kept yet: docs/RECORDING.md)");
        }
        Path stats = out.resolve(".stats.tmp"), environ = out.resolve(".environ.tmp"),
                preemptions = out.resolve(".preemptions.tmp"), inputFiles = out.resolve(".files.tmp"),
                outside = out.resolve(".outside.tmp");
        List<String> environment = Environment.own();
        List<String> outputs = OutputStreams.own(); // before the run writes to them
        Environment.write(environ, environment);
        List<String> runOptions = world.asRunArguments(privateTmp);
        List<String> args = new ArrayList<>(List.of("run"));
        args.addAll(runOptions);
        args.addAll(List.of("--stats=" + stats, "--environment-file=" + environ,
                "--input-files=" + inputFiles, "--preemptions-out=" + preemptions, "--outside-out=" + outside, "--"));
        args.addAll(command);
        EventsSection eventsSection = new EventsSection(out);
        RecordedRun run = RecordedRun.start(args, eventsSection, spec.commandLine().getOut(), err);
        int status = run.status();
        Manifest.Section stdinSection = stdinSection(run.stdin());
        try {
            Manifest.Section events = eventsSection.finish();
            if (!eventsSection.used()) { // the run did not start (detsim run said why)
                Files.deleteIfExists(out.resolve(events.file()));
                return status;
            }
            Manifest.Section preemptionsSection = preemptionsSection(preemptions);
            Manifest.Section outsideSection = outsideSection(outside);
            RecordedFiles files = RecordedFiles.keep(inputFiles, out);
            Set<String> programs = programPathsOf(program.toString(), eventsSection.execDetails());
            boolean portable = CommandModel.isOn(portableOption);
            if (portable) files.pack(programs, out);
            List<Manifest.FileHash> hashed = portable ? List.of() : files.hashes(programs);
            Recording.writeManifest(out, new Manifest(null, 0, Version.number(), host(), List.copyOf(command),
                    program.toString(), Path.of("").toAbsolutePath().toString(), environment,
                    runOptions, outcome(status, eventsSection, stats), outputs, hashed,
                    files.restore.isEmpty() ? null : files.restore,
                    Recording.sections(events, stdinSection, preemptionsSection,
                            withOutside(withSchedule(files.sections, runOptions), outsideSection)), null));
        } finally {
            Files.deleteIfExists(stats);
            Files.deleteIfExists(environ);
            Files.deleteIfExists(preemptions);
            Files.deleteIfExists(outside);
            dev.detsim.recorder.FileTrees.delete(inputFiles);
        }
        err.println(KEPT + out + " (detsim replay " + out + ")");
        return status;
    }

    /** The run's watchdog preemptions as the "preemptions" section; none when it had none. */
    private Manifest.Section preemptionsSection(Path preemptions) throws IOException {
        if (!Files.exists(preemptions)) return null;
        byte[] text = Files.readAllBytes(preemptions);
        if (RecordedPreemption.read(new java.io.ByteArrayInputStream(text)).isEmpty()) return null;
        return Recording.writeSection(out, "preemptions", new java.io.ByteArrayInputStream(text));
    }

    /** The "schedule" section: the switches a --chaos-policy=script:FILE run followed, kept so replay needs no FILE. */
    private java.util.Map<String, Manifest.Section> withSchedule(java.util.Map<String, Manifest.Section> sections,
                                                                 List<String> runOptions) throws IOException {
        for (String o : runOptions) {
            if (!o.startsWith(SCRIPT_OPTION)) continue;
            java.util.Map<String, Manifest.Section> all = new java.util.LinkedHashMap<>(sections);
            all.put("schedule", Recording.writeSection(out, "schedule",
                    Files.newInputStream(Path.of(o.substring(SCRIPT_OPTION.length())))));
            return all;
        }
        return sections;
    }

    static final String SCRIPT_OPTION = "--chaos-policy=script:";

    /** What outside TCP clients sent the run, as the "outside" section; none when no client came. */
    private Manifest.Section outsideSection(Path outside) throws IOException {
        if (!Files.exists(outside)) return null;
        byte[] text = Files.readAllBytes(outside);
        if (dev.detsim.recorder.OutsideArrival.read(new java.io.ByteArrayInputStream(text)).isEmpty()) return null;
        return Recording.writeSection(out, "outside", new java.io.ByteArrayInputStream(text));
    }

    private static java.util.Map<String, Manifest.Section> withOutside(java.util.Map<String, Manifest.Section> more,
                                                                     Manifest.Section outside) {
        if (outside == null) return more;
        java.util.Map<String, Manifest.Section> all = new java.util.LinkedHashMap<>();
        all.put("outside", outside);
        all.putAll(more);
        return all;
    }

    /** --out: created if missing; an existing one must be an empty directory (a recording is never overwritten). */
    private void prepareOut() {
        try {
            if (Files.exists(out)) {
                if (!Files.isDirectory(out)) throw new FileProblem(spec.commandLine(), "--out: " + out + " is not a directory");
                try (var entries = Files.list(out)) {
                    if (entries.findAny().isPresent()) {
                        throw new FileProblem(spec.commandLine(), "--out: " + out + " is not empty (a recording is never"
                                + " overwritten; remove it or choose another directory)");
                    }
                }
            }
            Files.createDirectories(out);
        } catch (IOException e) {
            throw new FileProblem(spec.commandLine(), "--out", "create", out, e);
        }
    }

    /** The command's executable, then every program an exec event names, once each, in that order. */
    static Set<String> programPaths(String program, List<Event> log) {
        List<String> execs = new ArrayList<>();
        for (Event e : log) if (e.kind().equals(EventKind.EXEC.label())) execs.add(e.detail());
        return programPathsOf(program, execs);
    }

    /** The same from the exec events' details (escaped as in the log). */
    static Set<String> programPathsOf(String program, List<String> execDetails) {
        Set<String> paths = new LinkedHashSet<>();
        paths.add(program);
        for (String detail : execDetails) {
            for (String end : new String[] {" wrote ", " rdtsc-sites-patched="}) {
                int at = detail.indexOf(end);
                if (at >= 0) detail = detail.substring(0, at);
            }
            paths.add(EventLogFormat.unescape(detail));
        }
        return paths;
    }

    private static Manifest.Outcome outcome(int status, EventsSection log, Path stats) throws IOException {
        String digest = log.digest();
        long preemptions = 0;
        if (Files.exists(stats)) {
            Matcher m = Pattern.compile("\"nondeterministicPreemptions\":(\\d+)").matcher(Files.readString(stats));
            if (m.find()) preemptions = Long.parseLong(m.group(1));
        }
        return new Manifest.Outcome(status, log.count(), digest, preemptions);
    }

    static Manifest.Host host() {
        String cpu = "unknown";
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    cpu = line.substring(line.indexOf(':') + 1).trim();
                    break;
                }
            }
        } catch (IOException e) {
            // the model is for the reader only
        }
        return new Manifest.Host(System.getProperty("os.version"), Arch.current().name(), cpu);
    }

    /**
     * The run, made in record's own JVM as {@code detsim run ARGS} would make it. (A second JVM used to make it, and
     * its start-up was record's largest fixed cost.) What that JVM gave the run, this one gives it too: the same JVM
     * options (the launcher's, with -Xrs), detsim's stdout and stderr, a stdin that the run takes over at once
     * (its StdinPipe, which keeps every byte for the stdin section), SIGINT/SIGTERM/SIGHUP/SIGQUIT held by the run
     * from its start, and no descriptor above 2: replay's run gets none, so record's must not either.
     */
    private record RecordedRun(int status, byte[] stdin) {
        static RecordedRun start(List<String> args, EventsSection events, PrintWriter out, PrintWriter err)
                throws InterruptedException {
            System.setProperty("detsim.inheritedFds", "");
            String[] a = args.toArray(String[]::new);
            picocli.CommandLine cl = Main.newCommandLine(a, out, err);
            RunCommand run = (RunCommand) cl.getSubcommands().get("run").getCommand();
            run.recordEventsTo(events);
            int status = cl.execute(a);
            return new RecordedRun(status, run.stdinReceived());
        }
    }

    /**
     * Whether detsim was started with its stdin closed: descriptor 0 is then the first file its JVM opened (the
     * runtime's lib/modules), which the run must not take over as stdin, nor record keep as the program's.
     */
    private static boolean stdinClosed() {
        try {
            return Files.isSameFile(Path.of("/proc/self/fd/0"), Path.of(System.getProperty("java.home"), "lib", "modules"));
        } catch (IOException e) {
            return true; // no descriptor 0 at all
        }
    }

    /** What came on detsim's stdin before the run ended, as the "stdin" section; none if nothing came. */
    private Manifest.Section stdinSection(byte[] bytes) throws IOException {
        return bytes.length == 0 ? null : Recording.writeSection(out, "stdin", new java.io.ByteArrayInputStream(bytes));
    }
}
