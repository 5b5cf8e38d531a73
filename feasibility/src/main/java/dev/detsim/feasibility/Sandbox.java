package dev.detsim.feasibility;

import dev.detsim.targets.cockroach.Launcher;
import dev.detsim.targets.cockroach.PrefixLauncher;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * How the harness runs a command under detsim: {@code DETSIM run --benchmark-clock --stats=FILE [options] -- CMD},
 * where DETSIM is the command that starts the detsim CLI (the cli module passes its own java and jar).
 * {@code --benchmark-clock} lets the Go benchmarks read the host's CLOCK_MONOTONIC_RAW; {@code --stats} gives the
 * tracer's thread counts. Each run gets a stats file of its own.
 */
public final class Sandbox {
    private final List<String> detsim;

    public Sandbox(List<String> detsim) {
        if (detsim.isEmpty()) {
            throw new IllegalArgumentException("empty detsim command");
        }
        this.detsim = List.copyOf(detsim);
    }

    /** The prefix put before CMD. */
    List<String> prefix(Path statsFile, List<String> runOptions) {
        List<String> p = new ArrayList<>(detsim);
        p.addAll(List.of("run", "--benchmark-clock", "--stats=" + statsFile));
        p.addAll(runOptions);
        p.add("--");
        return p;
    }

    /** A launcher that runs every command under detsim with this stats file and these run options. */
    Launcher launcher(Path statsFile, List<String> runOptions) {
        return new PrefixLauncher(prefix(statsFile, runOptions));
    }
}
