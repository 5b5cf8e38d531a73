package dev.detsim.sandbox.tracer;

/** How the traced program ended: an exit code, or the signal that killed it. */
public record Outcome(int exitCode, int signal, boolean coreDumped, int leftoverProcessesKilled, RunStats stats) {
    /** The status a shell reports: the exit code, or 128 + signal. */
    public int shellStatus() {
        return signal != 0 ? 128 + signal : exitCode;
    }
}
