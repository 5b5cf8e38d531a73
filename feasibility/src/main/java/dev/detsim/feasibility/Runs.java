package dev.detsim.feasibility;

import dev.detsim.feasibility.Side.Ending;
import dev.detsim.feasibility.Side.Where;
import dev.detsim.targets.cockroach.Launcher;
import dev.detsim.targets.cockroach.NativeLauncher;
import dev.detsim.targets.cockroach.PrefixLauncher;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * Starts commands natively or under detsim, each with a log file (stdout and stderr together) in the report's
 * {@code logs/} directory, and turns how they ended into a {@link Side}. Nothing here throws for a program that
 * misbehaves: a crash, a hang or a failure to start is a value.
 */
final class Runs {
    /** How long a stopped process gets between SIGTERM and SIGKILL. */
    static final Duration STOP_GRACE = Duration.ofSeconds(20);

    private final Sandbox sandbox;
    private final List<String> nativePrefix;
    private final Budget budget;
    private final Path logs;
    private final Path work;

    /** @param nativePrefix put before every native command ({@link NativeCpu#prefix}), or empty */
    Runs(Sandbox sandbox, List<String> nativePrefix, Budget budget, Path logs, Path work) {
        this.sandbox = sandbox;
        this.nativePrefix = List.copyOf(nativePrefix);
        this.budget = budget;
        this.logs = logs;
        this.work = work;
    }

    Budget budget() {
        return budget;
    }

    /** A fresh directory for one run's files (databases, data directories). */
    Path freshDir(String name) throws IOException {
        Files.createDirectories(work);
        return Files.createTempDirectory(work, name + "-");
    }

    /** The launcher for {@code where}; under detsim it writes its stats to {@code stats}. */
    Launcher launcher(Where where, Path stats, List<String> detsimOptions) {
        if (where == Where.DETSIM) {
            return sandbox.launcher(stats, detsimOptions);
        }
        return nativePrefix.isEmpty() ? new NativeLauncher() : new PrefixLauncher(nativePrefix);
    }

    /** The whole command line that runs {@code command} there. */
    List<String> commandLine(Where where, Path stats, List<String> detsimOptions, List<String> command) {
        List<String> full = new ArrayList<>(where == Where.NATIVE ? nativePrefix : sandbox.prefix(stats, detsimOptions));
        full.addAll(command);
        return List.copyOf(full);
    }

    Path statsFile(String name) {
        return logs.resolve(name + ".stats.json");
    }

    Path logFile(String name) {
        return logs.resolve(name + ".log");
    }

    /** A process that was started; {@link #await} or {@link #stop} ends it. */
    final class Started {
        final Where where;
        final List<String> command;
        final Launcher.Handle handle;
        final Path log;
        final Path stats;
        final long t0;

        private Started(Where where, List<String> command, Launcher.Handle handle, Path log, Path stats, long t0) {
            this.where = where;
            this.command = command;
            this.handle = handle;
            this.log = log;
            this.stats = stats;
            this.t0 = t0;
        }

        /** Waits at most {@code timeout} (cut to the budget) for the process to exit by itself. */
        Finished await(Duration timeout) throws InterruptedException {
            Duration left = budget.remaining();
            boolean cut = left.compareTo(timeout) < 0; // then a timeout means the budget ran out, not a hang
            Duration t = cut ? left : timeout;
            OptionalInt code = handle.waitFor(t);
            long wall = System.nanoTime() - t0;
            if (code.isPresent()) {
                int c = code.getAsInt();
                return finish(c == 0 ? Ending.OK : endingOf(c), c, wall, null);
            }
            Launcher.Stopped s = handle.stop(Duration.ofSeconds(5));
            return finish(cut ? Ending.OUT_OF_TIME : Ending.HUNG, null, wall,
                    (cut ? "killed when the run's time budget ran out" : "no exit within " + t.toSeconds() + " s")
                            + (s.killed() ? " (needed SIGKILL)" : ""));
        }

        /**
         * Ends a server the harness is done with: SIGTERM, SIGKILL after {@link #STOP_GRACE}. A server that
         * had already exited by itself crashed or failed; one that ignored SIGTERM hung.
         */
        Finished stop() throws InterruptedException {
            if (!handle.isAlive()) {
                int c = handle.waitFor();
                return finish(c == 0 ? Ending.FAILED : endingOf(c), c, System.nanoTime() - t0,
                        "exited by itself (status " + c + ") before the harness stopped it");
            }
            Launcher.Stopped s = handle.stop(STOP_GRACE);
            long wall = System.nanoTime() - t0;
            if (s.killed()) {
                return finish(Ending.HUNG, s.exitCode(), wall,
                        "did not exit within " + STOP_GRACE.toSeconds() + " s of SIGTERM (killed)");
            }
            return finish(Ending.STOPPED, s.exitCode(), wall, null);
        }

        private Finished finish(Ending ending, Integer status, long wall, String note) {
            String out = read(log);
            DetsimStats st = where == Where.DETSIM ? DetsimStats.read(stats) : null;
            if (ending == Ending.HUNG && note != null && st != null && st.counts().getOrDefault("syscallStops", 0L) > 0) {
                // The tracer's count tells a slow run from a stuck one: a hang makes few stops.
                note += "; it had made " + st.counts().get("syscallStops") + " syscall stops (a run that slow counts"
                        + " as hung here)";
            }
            Side side = new Side(where, command, ending, status, wall, null, null, null, digest(out),
                    note != null ? note : ending.good() ? null : lastLines(out), Map.of())
                    .withDetail("log", logs.getParent().relativize(log));
            if (st != null) {
                side = side.withThreads((int) st.peakLiveThreads(), DetsimStats.THREADS_SOURCE);
                for (var e : st.counts().entrySet()) {
                    side = side.withDetail("detsim." + e.getKey(), e.getValue());
                }
            }
            return new Finished(side, out, st);
        }
    }

    /** A finished run: its side, its whole log, and detsim's stats (null natively or when none were written). */
    record Finished(Side side, String output, DetsimStats stats) {}

    /** Starts {@code command}; {@code name} names its log (and stats) file. */
    Started start(Where where, String name, List<String> command, List<String> detsimOptions, Path dir)
            throws IOException {
        Files.createDirectories(logs);
        Path log = logFile(name);
        Path stats = statsFile(name);
        Files.deleteIfExists(log);
        Files.deleteIfExists(stats);
        Launcher launcher = launcher(where, stats, detsimOptions);
        long t0 = System.nanoTime();
        return new Started(where, commandLine(where, stats, detsimOptions, command), launcher.start(command, dir, log),
                log, stats, t0);
    }

    /** Runs {@code command} to its end (or its timeout); a start failure is a NOT_STARTED side. */
    Finished run(Where where, String name, List<String> command, List<String> detsimOptions, Path dir,
            Duration timeout) throws InterruptedException {
        try {
            return start(where, name, command, detsimOptions, dir).await(timeout);
        } catch (IOException e) {
            return notStarted(where, command, e);
        }
    }

    static Finished notStarted(Where where, List<String> command, Exception e) {
        Side side = new Side(where, command, Ending.NOT_STARTED, null, null, null, null, null, null,
                "could not start: " + e.getMessage(), Map.of());
        return new Finished(side, "", null);
    }

    /** The ending for a non-zero status: 128+S is a signal (a crash), the rest a failure. */
    static Ending endingOf(int status) {
        return status > 128 && status < 128 + 65 ? Ending.CRASHED : Ending.FAILED;
    }

    /** The digest from detsim's {@code detsim: digest HEX (N events)} line, or null. */
    static String digest(String output) {
        for (String line : output.split("\n")) {
            if (line.startsWith("detsim: digest ")) {
                String[] w = line.split(" ");
                return w.length > 2 ? w[2] : null;
            }
        }
        return null;
    }

    /** The last three non-empty lines of a log, joined: what a failure note quotes. */
    static String lastLines(String output) {
        List<String> lines = output.lines().filter(l -> !l.isBlank()).toList();
        if (lines.isEmpty()) {
            return "(no output)";
        }
        String s = String.join(" | ", lines.subList(Math.max(0, lines.size() - 3), lines.size()));
        return s.length() <= 300 ? s : s.substring(s.length() - 300);
    }

    private static String read(Path log) {
        try {
            // Malformed bytes become U+FFFD rather than failing the read.
            return Files.exists(log) ? new String(Files.readAllBytes(log), StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "";
        }
    }
}
