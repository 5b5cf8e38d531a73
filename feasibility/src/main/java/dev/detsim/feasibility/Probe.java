package dev.detsim.feasibility;

import java.util.List;

/** One part of the harness: it knows its steps in advance (for progress) and returns its rows. */
interface Probe {
    /** How many progress steps {@link #run} will report. */
    int steps(Context c);

    /** Runs the steps; failures of the programs are rows, not exceptions. */
    List<Measurement> run(Context c) throws InterruptedException;
}
