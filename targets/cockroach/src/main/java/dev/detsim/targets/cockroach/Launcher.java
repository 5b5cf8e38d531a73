package dev.detsim.targets.cockroach;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;

/**
 * Starts a command as a process: natively ({@link NativeLauncher}) or under detsim (a {@link PrefixLauncher}
 * with the prefix {@code detsim run --}). The target code never depends on how.
 */
@FunctionalInterface
public interface Launcher {

    /**
     * Starts {@code command} in {@code workDir} with standard input from {@code /dev/null} and standard
     * output and error appended to {@code logFile}.
     */
    Handle start(List<String> command, Path workDir, Path logFile) throws IOException;

    /** A started process. */
    interface Handle {

        /** The operating-system pid of the started process (for a prefix launcher: the prefix's process). */
        long pid();

        boolean isAlive();

        /** Waits until the process exits and returns its exit code. */
        int waitFor() throws InterruptedException;

        /** Waits at most {@code timeout}; the exit code, or empty if it is still running. */
        OptionalInt waitFor(Duration timeout) throws InterruptedException;

        /**
         * Stops the process: SIGTERM, then SIGKILL if it has not exited within {@code timeout}; waits for it.
         * Returns at once with the exit code if it has already exited.
         */
        Stopped stop(Duration timeout) throws InterruptedException;
    }

    /**
     * How a process ended under {@link Handle#stop}.
     *
     * @param exitCode the exit code as {@link Process#exitValue()} reports it (128+signal for a signal)
     * @param killed   true if SIGKILL was needed because SIGTERM did not end it in time
     * @param nanos    how long the stop took (real time of the calling JVM)
     */
    record Stopped(int exitCode, boolean killed, long nanos) {}
}
