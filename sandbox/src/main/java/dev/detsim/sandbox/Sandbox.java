package dev.detsim.sandbox;

import dev.detsim.recorder.EventLog;
import dev.detsim.sandbox.arch.Arch;
import dev.detsim.sandbox.handlers.AioHandler;
import dev.detsim.sandbox.handlers.BlockingIoHandler;
import dev.detsim.sandbox.handlers.ChildWaitHandler;
import dev.detsim.sandbox.handlers.ConnectHandler;
import dev.detsim.sandbox.handlers.DirectoryHandler;
import dev.detsim.sandbox.handlers.FileChangeHandler;
import dev.detsim.sandbox.handlers.FileChanges;
import dev.detsim.sandbox.handlers.FileLockHandler;
import dev.detsim.sandbox.handlers.FutexHandler;
import dev.detsim.sandbox.handlers.InputFilesHandler;
import dev.detsim.sandbox.handlers.MachineHandler;
import dev.detsim.sandbox.handlers.OpenRedirectHandler;
import dev.detsim.sandbox.handlers.RandomHandler;
import dev.detsim.sandbox.handlers.RefusedCalls;
import dev.detsim.sandbox.handlers.SignalWaitHandler;
import dev.detsim.sandbox.handlers.StatHandler;
import dev.detsim.sandbox.handlers.StatfsHandler;
import dev.detsim.sandbox.handlers.TimeHandler;
import dev.detsim.sandbox.handlers.TimerFdHandler;
import dev.detsim.sandbox.handlers.TimerHandler;
import dev.detsim.sandbox.syscall.Syscall;
import dev.detsim.sandbox.tracer.HandlerTable;
import dev.detsim.sandbox.tracer.Outcome;
import dev.detsim.sandbox.tracer.preemption.Preemption;
import dev.detsim.sandbox.tracer.SpawnException;
import dev.detsim.sandbox.api.SyscallHandler;
import dev.detsim.sandbox.tracer.Tracer;
import dev.detsim.sandbox.tracer.TracerOptions;
import dev.detsim.sandbox.world.Clocks;
import dev.detsim.sandbox.world.Entropy;
import dev.detsim.sandbox.world.FileMetadata;
import dev.detsim.sandbox.world.InputFiles;
import dev.detsim.sandbox.world.Machine;
import dev.detsim.sandbox.world.MachineFiles;
import dev.detsim.sandbox.world.RandomDevices;
import dev.detsim.sandbox.world.StandIns;
import dev.detsim.scheduler.ChaosSpec;
import dev.detsim.scheduler.ScheduleScript;
import dev.detsim.scheduler.Scheduler;
import dev.detsim.scheduler.ScriptedPolicy;
import dev.detsim.scheduler.SwitchRecorder;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.stream.Stream;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The composition root: builds the deterministic world (scheduler, clocks, machine, entropy, file metadata)
 * and the standard handler chain for one run, from named settings. The CLI maps its options onto a
 * {@link Builder}; record, replay and search build runs the same way.
 */
public final class Sandbox {
    private final Builder settings;

    private Sandbox(Builder settings) {
        this.settings = settings;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Runs path (argv[0] as the program sees it in argv) in a world made for this run alone. */
    public Outcome run(String path, List<String> argv) throws SpawnException, InterruptedException {
        Builder b = settings;
        Arch arch = Arch.current();
        Scheduler scheduler = b.chaos == null ? Scheduler.deterministic()
                : new Scheduler(new SwitchRecorder(b.schedule != null ? new ScriptedPolicy(b.schedule) : b.chaos.policy(b.seed)));
        Clocks clocks = new Clocks(scheduler::now, b.epoch);
        Machine machine = new Machine(b.cpus, arch.name());
        MachineFiles machineFiles = new MachineFiles(machine);
        machineFiles.materialize();
        boolean privateTmp = privateTmp(b, path);
        try (RandomDevices randomDevices = new RandomDevices(b.seed)) {
            TracerOptions options = new TracerOptions(b.pinToOneCpu, b.chaos != null ? everySyscall(arch, b.intercept) : b.intercept,
                    b.trace,
                    handlers(machine, machineFiles, randomDevices, clocks, scheduler, privateTmp), b.keepFds, b.warnings,
                    true, b.pidNamespace, privateTmp, b.events, scheduler, clocks,
                    b.chaos != null && b.preemption != null ? b.preemption.withChaosTicks(b.seed) : b.preemption);
            Tracer tracer = new Tracer(arch, options);
            if (b.switchSites != null && b.chaos != null) tracer.switchSites(b.switchSites);
            return tracer.run(path, argv, b.environment);
        }
    }

    /**
     * Under --chaos every syscall the program makes stops, so every one is a point where the seeded schedule may
     * switch threads: a race whose window holds only calls no handler needs (getppid, a write to a pipe) is
     * otherwise never split, since a turn ends only at a stop. Such stops pass the call through and are not
     * events; they cost a stop each, which a search for races pays gladly.
     */
    private static Set<Syscall> everySyscall(Arch arch, Set<Syscall> also) {
        Set<Syscall> all = EnumSet.noneOf(Syscall.class);
        all.addAll(also);
        for (Syscall s : Syscall.values()) if (arch.number(s) >= 0) all.add(s);
        return all;
    }

    /**
     * Whether the run gets its private /tmp: asked for, and possible. It lives in the run's mount namespace, which
     * comes with the pid namespace; and detsim's own stand-in files must lie outside it. One warning when not.
     */
    private static boolean privateTmp(Builder b, String program) {
        if (!b.privateTmp) return false;
        if (!b.pidNamespace) {
            b.warnings.println("detsim: /tmp is the host's: a private /tmp needs the run's own namespace, which"
                    + " --host-pids turns off; files earlier runs left there may make runs differ");
            return false;
        }
        if (StandIns.underTmp()) {
            b.warnings.println("detsim: /tmp is the host's: detsim keeps its own files under " + StandIns.directory()
                    + " (no writable /dev/shm), which a private /tmp would hide from the program");
            return false;
        }
        Path cwd = Path.of("").toAbsolutePath(), exe = Path.of(program).toAbsolutePath().normalize();
        boolean cwdKept = !cwd.equals(Path.of("/tmp")) && !cwd.equals(Path.of("/var/tmp")); // spawn.c binds it in
        if ((exe.startsWith("/tmp") || exe.startsWith("/var/tmp")) && !(cwdKept && exe.startsWith(cwd))) {
            // Hiding the program would fail the run at exec; running it with the host's /tmp is what it can do.
            b.warnings.println("detsim: /tmp is the host's: " + program + " is under "
                    + (exe.startsWith("/tmp") ? "/tmp" : "/var/tmp") + ", which a private /tmp would hide (only the"
                    + " working directory is kept there); files earlier runs left there may make runs differ");
            return false;
        }
        return true;
    }

    /**
     * Per syscall that stops the program, who sees it in dispatch order ({@link HandlerTable#dispatchOrder}): the
     * standard chain of {@link #run} with the default settings, built but not run. On the host this makes and
     * removes an empty directory (the random devices') and opens, for the life of the JVM, the inotify
     * descriptor of the file-change watch, whose availability decides whether the data writes stop; the
     * machine's files are not written.
     */
    public static Map<Syscall, List<String>> dispatchOrder() {
        Sandbox sandbox = new Sandbox(new Builder());
        Scheduler scheduler = Scheduler.deterministic();
        Clocks clocks = new Clocks(scheduler::now, sandbox.settings.epoch);
        Machine machine = new Machine(sandbox.settings.cpus, Arch.current().name());
        try (RandomDevices randomDevices = new RandomDevices(sandbox.settings.seed)) {
            return HandlerTable.dispatchOrder(
                    sandbox.handlers(machine, new MachineFiles(machine), randomDevices, clocks, scheduler, false));
        }
    }

    /**
     * The handler chain, in priority order: several handlers may see one syscall, and each in turn may answer
     * it. The change watcher comes after the redirect, which may rewrite an open's path (and answers nothing).
     */
    private List<SyscallHandler> handlers(Machine machine, MachineFiles machineFiles, RandomDevices randomDevices,
                                          Clocks clocks, Scheduler scheduler, boolean privateTmp) {
        PrintStream warnings = settings.warnings;
        FileMetadata metadata = new FileMetadata(clocks);
        settings.sameDevices.forEach((directory, hostDevice) -> metadata.inodes().alias(deviceOf(directory), hostDevice));
        FileChanges changes = new FileChanges(metadata, warnings, privateTmp);
        List<SyscallHandler> inputs = settings.inputFiles == null ? List.of()
                : List.of(new InputFilesHandler(settings.inputFiles, privateTmp)); // first: sees paths before redirects
        return Stream.concat(inputs.stream(), Stream.of(new RandomHandler(new Entropy(settings.seed)), new MachineHandler(machine),
                new OpenRedirectHandler(List.of(machineFiles, randomDevices)), new FileChangeHandler(changes),
                new StatHandler(changes), new DirectoryHandler(changes), new StatfsHandler(changes),
                new TimeHandler(clocks, settings.benchmarkClock), new TimerHandler(clocks, scheduler.timers()),
                new TimerFdHandler(clocks, scheduler.timers()), new FutexHandler(clocks, warnings),
                settings.outsidePeers, new BlockingIoHandler(clocks, randomDevices::feeds), new FileLockHandler(),
                new AioHandler(clocks, warnings), new ConnectHandler(), new ChildWaitHandler(),
                new SignalWaitHandler(clocks), new RefusedCalls(warnings))).toList();
    }

    private static long deviceOf(Path directory) {
        try {
            return ((Number) Files.getAttribute(directory, "unix:dev")).longValue();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot stat " + directory, e);
        }
    }

    /** The settings of a run; each has the default `detsim run` has. */
    public static final class Builder {
        private long seed;
        private ChaosSpec chaos;
        private ScheduleScript schedule;
        private int cpus = 1;
        private long epoch = 946684800L;
        private boolean pinToOneCpu = true;
        private boolean pidNamespace = true;
        private boolean privateTmp;
        private List<String> environment;
        private boolean benchmarkClock;
        private Preemption preemption;
        private Set<Syscall> intercept = EnumSet.noneOf(Syscall.class);
        private PrintStream trace;
        private int[] keepFds = new int[0];
        private PrintStream warnings = System.err;
        private EventLog events;
        private InputFiles inputFiles;
        private Path switchSites;
        private dev.detsim.sandbox.handlers.OutsidePeers outsidePeers = dev.detsim.sandbox.handlers.OutsidePeers.off();
        private final Map<Path, Long> sameDevices = new LinkedHashMap<>();

        private Builder() {}

        /** The source of every random byte, and with {@link #chaos} of the schedule's choices. */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** A seeded schedule instead of round-robin, its policy drawn from the seed (swarm). */
        public Builder chaos(boolean chaos) {
            this.chaos = chaos ? ChaosSpec.SWARM : null;
            return this;
        }

        /** A seeded schedule instead of round-robin, following spec (null: round-robin). */
        public Builder chaos(ChaosSpec spec) {
            this.chaos = spec;
            return this;
        }

        /**
         * Under chaos, follow these switches instead of the spec's policy (null: the policy). The run must stop
         * where the recorded one did, so it needs the same settings and inputs; RunStats#switches gives them.
         */
        public Builder schedule(ScheduleScript script) {
            this.schedule = script;
            return this;
        }

        /** Under chaos, where to write where each switch happened (detsim shrink's; null: nowhere). */
        public Builder switchSites(Path file) {
            this.switchSites = file;
            return this;
        }

        /** The virtual machine's CPU count (1..{@link Machine#MAX_CPUS}). */
        public Builder cpus(int cpus) {
            if (cpus < 1 || cpus > Machine.MAX_CPUS) {
                throw new IllegalArgumentException("--cpus must be 1.." + Machine.MAX_CPUS + ", not " + cpus);
            }
            this.cpus = cpus;
            return this;
        }

        /** Where CLOCK_REALTIME starts, in seconds since 1970. */
        public Builder epoch(long seconds) {
            if (seconds < 0 || seconds > 1L << 40) {
                throw new IllegalArgumentException("--epoch must be 0.." + (1L << 40) + " seconds, not " + seconds);
            }
            this.epoch = seconds;
            return this;
        }

        /** Tracer and program on one CPU (stops are cheaper and less noisy). */
        public Builder pinToOneCpu(boolean pin) {
            this.pinToOneCpu = pin;
            return this;
        }

        /** The program as pid 2 of a pid namespace of its own (false: the host's pids). */
        public Builder pidNamespace(boolean namespace) {
            this.pidNamespace = namespace;
            return this;
        }

        /** The program's environment, "NAME=value" in the order it gets it; null (default): detsim's own. */
        public Builder environment(List<String> environment) {
            this.environment = environment == null ? null : List.copyOf(environment);
            return this;
        }

        /**
         * An empty tmpfs of this run's own on /tmp and /var/tmp, in its mount namespace, gone when the run ends: runs
         * do not see the files other runs (or other programs on the host) leave there. Default false: the host's
         * /tmp, where the program's files outlive the run. Needs the pid namespace (and so root); without it the
         * run warns once and uses the host's.
         */
        public Builder privateTmp(boolean privateTmp) {
            this.privateTmp = privateTmp;
            return this;
        }

        /** CLOCK_MONOTONIC_RAW reads the host clock, for benchmarks that time themselves. */
        public Builder benchmarkClock(boolean benchmarkClock) {
            this.benchmarkClock = benchmarkClock;
            return this;
        }

        /** How a thread that runs long without a syscall is preempted; null: {@link Preemption#auto}. */
        public Builder preemption(Preemption preemption) {
            this.preemption = preemption;
            return this;
        }

        /** Syscalls to stop on although no handler needs them (passed through unchanged). */
        public Builder intercept(Set<Syscall> intercept) {
            this.intercept = Set.copyOf(intercept);
            return this;
        }

        /** Where to print a line per syscall (every syscall then stops), or null. */
        public Builder trace(PrintStream trace) {
            this.trace = trace;
            return this;
        }

        /** Descriptors above 2 the program inherits from detsim's caller. */
        public Builder keepFds(int[] fds) {
            this.keepFds = fds.clone();
            return this;
        }

        /** Where detsim says what it could not handle faithfully. */
        public Builder warnings(PrintStream warnings) {
            this.warnings = warnings;
            return this;
        }

        /** The run's event log (required). */
        public Builder events(EventLog events) {
            this.events = events;
            return this;
        }

        /** For record: tell inputs which files the run reads, and keep those it changes as they were before. */
        /** What the run does with TCP clients outside it: keep them (record), play them (replay), neither (default). */
        public Builder outsidePeers(dev.detsim.sandbox.handlers.OutsidePeers peers) {
            this.outsidePeers = peers;
            return this;
        }

        public Builder inputFiles(InputFiles inputs) {
            this.inputFiles = inputs;
            return this;
        }

        /**
         * The file system mounted at directory is to look like host device hostDevice: replay mounts an overlay there
         * that restores the files a recorded run changed (docs/RECORDING.md), and stat must show the device the
         * recorded run saw.
         */
        public Builder sameDevice(Path directory, long hostDevice) {
            sameDevices.put(directory, hostDevice);
            return this;
        }

        public Sandbox build() {
            if (events == null) throw new IllegalStateException("a run needs an event log");
            return new Sandbox(this);
        }
    }
}
