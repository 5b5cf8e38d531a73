package dev.detsim.targets.cockroach;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;

/** Starts commands directly with {@link ProcessBuilder}: the native baseline. */
public final class NativeLauncher implements Launcher {

    @Override
    public Handle start(List<String> command, Path workDir, Path logFile) throws IOException {
        Objects.requireNonNull(command, "command");
        if (command.isEmpty()) {
            throw new IllegalArgumentException("empty command");
        }
        ProcessBuilder pb = new ProcessBuilder(List.copyOf(command))
                .directory(workDir.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
        return new ProcessHandleImpl(pb.start());
    }

    /** A {@link Launcher.Handle} over a {@link Process}. */
    static final class ProcessHandleImpl implements Handle {
        private final Process process;

        ProcessHandleImpl(Process process) {
            this.process = process;
        }

        @Override
        public long pid() {
            return process.pid();
        }

        @Override
        public boolean isAlive() {
            return process.isAlive();
        }

        @Override
        public int waitFor() throws InterruptedException {
            return process.waitFor();
        }

        @Override
        public OptionalInt waitFor(Duration timeout) throws InterruptedException {
            if (process.waitFor(Math.max(0, timeout.toNanos()), TimeUnit.NANOSECONDS)) {
                return OptionalInt.of(process.exitValue());
            }
            return OptionalInt.empty();
        }

        @Override
        public Stopped stop(Duration timeout) throws InterruptedException {
            long t0 = System.nanoTime();
            if (!process.isAlive()) {
                return new Stopped(process.exitValue(), false, System.nanoTime() - t0);
            }
            // Children left behind by a wrapper (a shell, a prefix) are killed once the process has gone.
            List<ProcessHandle> descendants = process.descendants().toList();
            process.destroy(); // SIGTERM on Linux
            boolean killed = false;
            if (!process.waitFor(Math.max(0, timeout.toNanos()), TimeUnit.NANOSECONDS)) {
                killed = true;
                process.destroyForcibly(); // SIGKILL
                process.waitFor();
            }
            for (ProcessHandle d : descendants) {
                if (d.isAlive()) {
                    d.destroyForcibly();
                }
            }
            return new Stopped(process.exitValue(), killed, System.nanoTime() - t0);
        }

        @Override
        public String toString() {
            return "pid " + process.pid();
        }
    }
}
