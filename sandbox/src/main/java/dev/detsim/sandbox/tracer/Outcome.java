package dev.detsim.sandbox.tracer;

import dev.detsim.scheduler.DeadlockReport;

/**
 * How the traced program ended: an exit code, or the signal that killed it; or a deadlock detsim found
 * (then detsim killed the program, and deadlock says who waited on what).
 */
public record Outcome(int exitCode, int signal, boolean coreDumped, int leftoverProcessesKilled, RunStats stats,
                      DeadlockReport deadlock) {
    /** The status a shell reports: the exit code, or 128 + signal. */
    public int shellStatus() {
        return signal != 0 ? 128 + signal : exitCode;
    }
}
