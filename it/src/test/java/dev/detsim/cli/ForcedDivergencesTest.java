package dev.detsim.cli;

import static dev.detsim.cli.Programs.detsimCommand;
import static dev.detsim.cli.Programs.guest;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 19: "100 forced divergences, 0 survivors". divergence_tree builds a process tree of one of five shapes
 * (forks blocked in pipes; threads and a futex waiter; children sleeping and in waitpid; a grandchild that outlives
 * its parent; vfork + exec) whose members stat data-0 .. data-19 in turn. Each shape is recorded once per worker;
 * then, for each of its 20 steps (the workers share them out), data-k is grown and the recording replayed: replay must stop at that step's stat
 * (status 87, the diverged-at line, a later event for a later step) and leave no process of the run — none whose
 * cmdline holds the worker's marker, in any state, and, at the end, no divergence_tree at all (zombies included).
 * Two workers replay at once, each with recordings and data of its own: 100 replays, 100 points.
 */
class ForcedDivergencesTest {
    private static final List<String> SHAPES = List.of("forks", "threads", "waits", "orphan", "vfork");
    private static final int STEPS = 20, WORKERS = 2;
    private static final Pattern DIVERGED = Pattern.compile("(?m)^detsim: replay: diverged at event #(\\d+)");

    @TempDir
    Path tmp;

    private static Programs.Result detsim(Path dir, String... args) {
        return Programs.run(new ProcessBuilder(withAotCache(detsimCommand(List.of(args)))).directory(dir.toFile()), null,
                Programs.DEFAULT_TIMEOUT);
    }

    /**
     * The command with the AOT cache ./detsim trains beside the jar, when it is there and not older than the jar
     * (as the launcher and replay's own child run use it): 110 detsim start-ups are most of this test's time.
     */
    private static List<String> withAotCache(List<String> command) {
        Path jar = Path.of(System.getProperty("detsim.jar", "target/detsim-cli.jar"));
        var aot = SelfLauncher.aotCacheFor(jar);
        if (aot.isEmpty()) return command;
        List<String> cmd = new ArrayList<>(command.subList(0, 1));
        cmd.addAll(SelfLauncher.runOptions());
        cmd.add("-XX:AOTCache=" + aot.get());
        cmd.addAll(SelfLauncher.jvmOptions("aot"));
        cmd.addAll(command.subList(1, command.size()));
        return cmd;
    }

    /** Pids of live processes whose cmdline holds marker (any state: running, stopped, traced). */
    private static List<String> holding(String marker) throws IOException {
        List<String> found = new ArrayList<>();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path p : procs.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
                try {
                    String cmdline = new String(Files.readAllBytes(p.resolve("cmdline")), StandardCharsets.UTF_8);
                    if (cmdline.contains(marker)) found.add(p.getFileName() + " " + cmdline.replace('\0', ' '));
                } catch (IOException gone) {
                    // exited meanwhile
                }
            }
        }
        return found;
    }

    /** Processes named divergence_tree (comm), with their state: a zombie's cmdline is empty, its name is not. */
    private static List<String> anyDivergenceTree() throws IOException {
        List<String> found = new ArrayList<>();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path p : procs.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
                try {
                    String stat = Files.readString(p.resolve("stat"));
                    if (stat.contains("(divergence_tree)")) found.add(stat);
                } catch (IOException gone) {
                    // exited meanwhile
                }
            }
        }
        return found;
    }

    /** One worker: records each shape, then replays every step of it with that step's file grown. */
    private List<String> worker(int w, String marker) throws Exception {
        List<String> failures = new ArrayList<>();
        Path data = Files.createDirectories(tmp.resolve("data-" + w));
        for (int k = 0; k < STEPS; k++) Files.writeString(data.resolve("data-" + k), "x");
        for (String shape : SHAPES) {
            Path rec = tmp.resolve("rec-" + w + "-" + shape);
            var recorded = detsim(tmp, "record", "--out=" + rec, "--", guest("divergence_tree").toString(), shape,
                    data.toString(), marker);
            assertEquals(0, recorded.status(), shape + ": " + recorded.err());
            assertEquals(shape + " done\n", recorded.out());
            int previous = -1;
            for (int k = w; k < STEPS; k += WORKERS) {
                Path grown = data.resolve("data-" + k);
                Files.writeString(grown, "xy");
                var r = detsim(tmp, "replay", rec.toString());
                Files.writeString(grown, "x");
                String point = shape + " step " + k + ": ";
                Matcher m = DIVERGED.matcher(r.err());
                if (r.status() != 87 || !m.find()) {
                    failures.add(point + "status " + r.status() + ", " + r.err());
                    continue;
                }
                int event = Integer.parseInt(m.group(1));
                if (event <= previous) failures.add(point + "diverged at #" + event + ", not after step " + (k - 1) + "'s #" + previous);
                if (!r.err().contains("newfstatat(")) failures.add(point + "not at a stat: " + r.err());
                previous = event;
                List<String> left = holding(marker);
                for (int wait = 0; !left.isEmpty() && wait < 10; wait++) { // reported, and given 0.5 s to go
                    failures.add(point + "left running when replay exited: " + left);
                    Thread.sleep(50);
                    left = holding(marker);
                }
                if (!left.isEmpty()) failures.add(point + "SURVIVORS: " + left);
            }
        }
        return failures;
    }

    @Test
    void aHundredForcedDivergencesLeaveNoProcessBehind() throws Exception {
        long start = System.nanoTime();
        String marker = "dvg-" + ProcessHandle.current().pid() + "-" + start;
        List<CompletableFuture<List<String>>> workers = new ArrayList<>();
        Map<Integer, List<String>> failures = new TreeMap<>();
        for (int w = 0; w < WORKERS; w++) {
            int worker = w;
            workers.add(CompletableFuture.supplyAsync(() -> {
                try {
                    return worker(worker, marker + "-" + worker);
                } catch (Exception e) {
                    return List.of("worker " + worker + ": " + e);
                }
            }));
        }
        for (int w = 0; w < WORKERS; w++) failures.put(w, workers.get(w).get());
        assertTrue(failures.values().stream().allMatch(List::isEmpty), failures.toString());
        assertEquals(List.of(), anyDivergenceTree(), "no divergence_tree process of any run is left, zombies included");
        System.out.printf("forced divergences: %d replays (%d shapes x %d steps, %d workers), 0 survivors, %.1f s%n",
                SHAPES.size() * STEPS, SHAPES.size(), STEPS, WORKERS, (System.nanoTime() - start) / 1e9);
    }
}
