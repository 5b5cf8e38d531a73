package dev.detsim.feasibility;

import java.util.Map;

/**
 * What every probe gets: the options, the way to run things, progress, and the Go benchmark builds.
 */
record Context(Options options, Runs runs, Progress progress, Map<String, GoToolchain.Build> builds) {
    Options.Sizes sizes() {
        return options.sizes();
    }

    Budget budget() {
        return runs.budget();
    }
}
