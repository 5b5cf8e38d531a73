package dev.detsim.cli;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** Options that shape the world a program runs in; shared by run and verify (which passes them on to run). */
final class WorldOptions {
    @Option(names = "--seed", paramLabel = "N", defaultValue = "0",
            description = "Seed of every random byte the program gets (getrandom, AT_RANDOM). Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--cpus", paramLabel = "N", defaultValue = "1",
            description = "How many CPUs the program sees (sched_getaffinity: nproc, Go's NumCPU). Default: ${DEFAULT-VALUE}.")
    int cpus;

    @Option(names = "--no-pin",
            description = "Do not pin the tracer and the program to one CPU (pinning makes stops cheaper and steadier).")
    boolean noPin;

    /** These options as arguments of detsim run. */
    List<String> asRunArguments() {
        List<String> args = new ArrayList<>(List.of("--seed=" + seed, "--cpus=" + cpus));
        if (noPin) args.add("--no-pin");
        return args;
    }
}
