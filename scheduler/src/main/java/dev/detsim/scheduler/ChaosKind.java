package dev.detsim.scheduler;

import java.util.List;

/**
 * The kinds of seeded schedule chaos can follow. Each reaches other races: PCT a few well-placed switches
 * in a long run, uniform choice a switch at almost every point, round-robin with short random slices regular
 * interleaving of every thread, and sticky choice runs of a chosen mean length. No one kind suits every
 * program, so by default each seed draws a kind and its parameters (swarm testing: Groce et al., "Swarm
 * Testing", ISSTA 2012).
 */
public enum ChaosKind {
    /** PCT: parameters depth (switches + 1) and horizon (the turns the change points fall among). */
    PCT("pct", List.of("depth", "horizon")),
    /** A uniformly random runnable thread at every point. */
    RANDOM("random", List.of()),
    /** Round-robin in thread-id order, each slice 1..max turns long, uniformly. */
    SLICES("rr", List.of("max-slice")),
    /** Keep the thread that ran with probability 1 - 1/mean at each point, else a uniformly random other one. */
    STICKY("sticky", List.of("mean-run"));

    private final String name;
    private final List<String> parameters;

    ChaosKind(String name, List<String> parameters) {
        this.name = name;
        this.parameters = parameters;
    }

    /** The name in a policy spec, e.g. "pct". */
    public String specName() {
        return name;
    }

    /** What the numbers after the name mean, in order. */
    public List<String> parameters() {
        return parameters;
    }

    /** The spec naming this kind with these parameters, e.g. "pct:3:10000". */
    String spec(long... values) {
        StringBuilder s = new StringBuilder(name);
        for (long v : values) s.append(':').append(v);
        return s.toString();
    }

    static ChaosKind named(String name) {
        for (ChaosKind k : values()) if (k.name.equals(name)) return k;
        return null;
    }
}
