package dev.detsim.cli;

import static dev.detsim.cli.CommandModel.flag;
import static dev.detsim.cli.CommandModel.isOn;
import static dev.detsim.cli.CommandModel.option;

import dev.detsim.scheduler.ChaosSpec;
import dev.detsim.scheduler.ScheduleScript;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;

/** Options that shape the world a program runs in; shared by run and verify (which passes them on to run). */
final class WorldOptions {
    private static final String SCRIPT = "script:";
    private final OptionSpec seed, cpus, epoch, chaos, chaosPolicy, noPin, hostPids, tmp, preemptBy, preemptAt;

    /** Adds the options to spec. */
    WorldOptions(CommandSpec spec) {
        this(spec, true);
    }

    /** Adds the options to spec; without --seed and --chaos when withSeed is false (search chooses both). */
    WorldOptions(CommandSpec spec, boolean withSeed) {
        seed = !withSeed ? null : option(spec, "--seed", "N", long.class, "0",
                "Seed of every random byte the program gets (getrandom, AT_RANDOM). Default: ${DEFAULT-VALUE}.");
        cpus = option(spec, "--cpus", "N", int.class, "1",
                "How many CPUs the program sees (sched_getaffinity: nproc, Go's NumCPU). Default: ${DEFAULT-VALUE}.");
        epoch = option(spec, "--epoch", "SECONDS", long.class, "946684800",
                "Where the program's CLOCK_REALTIME starts, in seconds since 1970 (Default: ${DEFAULT-VALUE},"
                        + " 2000-01-01T00:00:00Z). Virtual time then advances 1 microsecond per scheduling turn and jumps"
                        + " to the next deadline when every thread waits.");
        chaos = !withSeed ? null : flag(spec, "--chaos",
                "Choose the thread interleaving at random from --seed, to find races: each seed draws a"
                        + " scheduling policy and its parameters (PCT, a random thread at every point, round-robin with"
                        + " random slices, or sticky runs) and gives another interleaving; the same seed the same one."
                        + " Every syscall then stops and may switch threads (slower). Without it the order is round-robin.");
        chaosPolicy = !withSeed ? null : option(spec, "--chaos-policy", "SPEC", String.class, null,
                "Implies --chaos and pins its policy: 'swarm' (the default: drawn from the seed), 'pct[:DEPTH[:HORIZON]]',"
                        + " 'random', 'rr[:MAX-SLICE]' or 'sticky[:MEAN-RUN]'; parameters left out are drawn from the"
                        + " seed. --stats names the policy a run used in this form ('schedule'). 'script:FILE' follows"
                        + " the switches in FILE, as --stats wrote them ('switches'), with the same program and inputs.");
        noPin = flag(spec, "--no-pin",
                "Do not pin the tracer and the program to one CPU (pinning makes stops cheaper and steadier).");
        hostPids = flag(spec, "--host-pids",
                "Let the program see the host's pids and /proc instead of its own pid namespace (where it"
                        + " is pid 2 and every fork and thread is numbered the same in every run). Without root, detsim"
                        + " falls back to host pids by itself and says so.");
        tmp = option(spec, "--tmp", "private|shared", String.class, null,
                "'private': the program gets an empty /tmp (and /var/tmp) of its own, a tmpfs in the run's"
                        + " mount namespace that is gone when the run ends, so runs do not see what earlier runs or other"
                        + " programs left there (mktemp names, a JVM's /tmp/hsperfdata_USER). 'shared': the host's /tmp,"
                        + " where the program's files stay after the run. Default: private for verify, shared for run."
                        + " Needs the pid namespace (root, no --host-pids); else the host's, with a warning.");
        preemptBy = option(spec, "--preempt-by", "HOW", String.class, "auto",
                "How to preempt a thread that runs long without a syscall while others could run:"
                        + " 'auto' (retired-branch counters where the machine has them, else the watchdog), 'branches'"
                        + " (counters, or fail), 'watchdog' (after " + dev.detsim.sandbox.tracer.Tracer.WATCHDOG_MILLIS
                        + " ms of CPU time: not deterministic, and reported), or 'probe:FILE:OFFSET' (count the"
                        + " executions of the instruction at OFFSET in FILE, a uprobe, and preempt after every 1000 of"
                        + " them in a turn; the watchdog's warning names such an instruction). Counters and probes"
                        + " preempt at the same instruction in every run; the watchdog stays as their fallback."
                        + " Default: ${DEFAULT-VALUE}.");
        preemptAt = option(spec, "--preempt-at", "SITES", String.class, null,
                "Count the executions of these instructions from the start, a comma-separated list of"
                        + " PROGRAM@0xADDRESS (in every thread of PROGRAM) or PROGRAM@0xADDRESS/N (in thread N of the"
                        + " event log only) — the spinSites of an earlier run's --stats, which detsim's warning names —"
                        + " and preempt a thread at every " + dev.detsim.sandbox.tracer.preemption.SiteCounters.QUANTUM
                        + "th execution while others could run: the same instruction in every run. Needs exact"
                        + " breakpoint counting (perf PERF_TYPE_BREAKPOINT); a thread counts at most "
                        + dev.detsim.sandbox.tracer.preemption.SpinSites.PER_THREAD + ". On a machine without branch"
                        + " counters detsim also learns such sites as the watchdog finds threads spinning, and"
                        + " verify passes what its learning runs found to the runs it compares.");
    }

    long seed() {
        return seed.getValue();
    }

    int cpus() {
        return cpus.getValue();
    }

    long epoch() {
        return epoch.getValue();
    }

    /**
     * The chaos policy asked for, or null for round-robin.
     *
     * @throws ParameterException when --chaos-policy is not a policy spec
     */
    ChaosSpec chaos(CommandLine commandLine) {
        if (chaos == null) return null; // search: it gives each run --chaos itself
        String given = chaosPolicy.getValue();
        if (given == null) return isOn(chaos) ? ChaosSpec.SWARM : null;
        if (given.startsWith(SCRIPT)) return ChaosSpec.SWARM; // chaos's stops; the script replaces the policy
        try {
            return ChaosSpec.parse(given);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(commandLine, "--chaos-policy: " + e.getMessage());
        }
    }

    /**
     * The switches --chaos-policy=script:FILE names, or null.
     *
     * @throws ParameterException when FILE cannot be read or does not hold a schedule
     */
    ScheduleScript schedule(CommandLine commandLine) {
        String given = chaosPolicy == null ? null : chaosPolicy.getValue();
        if (given == null || !given.startsWith(SCRIPT)) return null;
        Path file = Path.of(given.substring(SCRIPT.length()));
        try {
            return ScheduleScript.parse(Files.readString(file));
        } catch (java.nio.file.NoSuchFileException e) {
            throw new ParameterException(commandLine, "--chaos-policy script: no such file: " + file);
        } catch (IOException e) {
            throw new ParameterException(commandLine, "--chaos-policy script: cannot read " + file + ": " + e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new ParameterException(commandLine, "--chaos-policy script: " + file + ": " + e.getMessage());
        }
    }

    boolean noPin() {
        return isOn(noPin);
    }

    boolean hostPids() {
        return isOn(hostPids);
    }

    String preemptBy() {
        return preemptBy.getValue();
    }

    /** --preempt-at's sites as given (not yet checked), or none. */
    List<String> preemptAt() {
        String sites = preemptAt.getValue();
        return sites == null || sites.isBlank() ? List.of() : List.of(sites.split(","));
    }

    /**
     * Whether --tmp asks for a private /tmp; byDefault when it is not given.
     *
     * @throws ParameterException when --tmp is neither private nor shared
     */
    boolean privateTmp(boolean byDefault, CommandLine commandLine) {
        String tmp = this.tmp.getValue();
        if (tmp == null) return byDefault;
        return switch (tmp) {
            case "private" -> true;
            case "shared" -> false;
            default -> throw new ParameterException(commandLine, "--tmp must be 'private' or 'shared', not '" + tmp + "'");
        };
    }

    /** These options as arguments of detsim run, with --tmp as privateTmp says (--seed only when it is one). */
    List<String> asRunArguments(boolean privateTmp) {
        return asRunArguments(privateTmp, preemptAt());
    }

    /** These options as arguments of detsim run, with --tmp as privateTmp says and sites as --preempt-at. */
    List<String> asRunArguments(boolean privateTmp, List<String> sites) {
        List<String> args = new ArrayList<>();
        if (seed != null) args.add("--seed=" + seed());
        args.addAll(List.of("--cpus=" + cpus(), "--epoch=" + epoch(),
                "--preempt-by=" + preemptBy(), "--tmp=" + (privateTmp ? "private" : "shared")));
        if (chaos != null && isOn(chaos)) args.add("--chaos");
        String policy = chaosPolicy == null ? null : chaosPolicy.getValue();
        if (policy != null && policy.startsWith(SCRIPT)) { // the run may start elsewhere: the file's full path
            policy = SCRIPT + Path.of(policy.substring(SCRIPT.length())).toAbsolutePath();
        }
        if (policy != null) args.add("--chaos-policy=" + policy);
        if (noPin()) args.add("--no-pin");
        if (hostPids()) args.add("--host-pids");
        if (!sites.isEmpty()) args.add("--preempt-at=" + String.join(",", sites));
        return args;
    }
}
