package dev.detsim.cli;

import dev.detsim.recorder.Manifest;
import dev.detsim.recorder.Recording;
import dev.detsim.recorder.RecordingException;
import dev.detsim.recorder.bugs.BugBase;
import dev.detsim.recorder.bugs.BugBaseException;
import dev.detsim.recorder.bugs.BugEntry;
import dev.detsim.recorder.bugs.Signature;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The work of detsim search: every seed of the plan, jobs at a time; each failure re-run with its seed to tell a
 * bug from a nondeterministic failure; a seeded fraction of the passing seeds re-run to check their digests.
 */
final class SeedSearch {
    static final int RERUNS = 3;

    private final SeedPlan plan;
    private final SeedRunner runner;
    private final FailOn failOn;
    private final BugBase bugBase;
    private final double spotCheckFraction;
    private final Integer until;
    private final List<String> command;
    final SearchTally tally = new SearchTally();
    private final AtomicBoolean stop = new AtomicBoolean();
    private final AtomicBoolean signalled = new AtomicBoolean();
    private final AtomicReference<String> infrastructureError = new AtomicReference<>();

    SeedSearch(SeedPlan plan, SeedRunner runner, FailOn failOn, BugBase bugBase, double spotCheckFraction,
               Integer until, List<String> command) {
        this.plan = plan;
        this.runner = runner;
        this.failOn = failOn;
        this.bugBase = bugBase;
        this.spotCheckFraction = spotCheckFraction;
        this.until = until;
        this.command = command;
    }

    /** Whether seed is one of the passing seeds to re-run: a draw from the seed alone, the same in every shard. */
    static boolean spotChecked(long seed, double fraction) {
        return new SplittableRandom(seed ^ 0x5eed5eed5eedL).nextDouble() < fraction;
    }

    /**
     * Runs every seed, jobs at a time (each job on a CPU of its own when the runs are pinned); returns null, or
     * the infrastructure error that stopped the search.
     */
    String run(int jobs, boolean pinned) throws InterruptedException {
        // Each job takes the next seed when it is free: nothing is queued ahead, however long the range.
        java.util.PrimitiveIterator.OfLong seeds = plan.seeds().iterator();
        List<Thread> threads = new ArrayList<>();
        for (int slot = 0; slot < jobs; slot++) {
            int job = slot;
            threads.add(Thread.ofPlatform().name("detsim-job-" + slot).start(() -> {
                if (pinned && jobs > 1) JobCpus.narrowFor(job, jobs);
                while (!stop.get()) {
                    long seed;
                    synchronized (seeds) {
                        if (!seeds.hasNext()) return;
                        seed = seeds.nextLong();
                    }
                    try {
                        seed(seed);
                    } catch (Exception e) {
                        infrastructureError.compareAndSet(null, "seed " + seed + ": " + e);
                        stop.set(true);
                    }
                }
            }));
        }
        for (Thread t : threads) t.join();
        return infrastructureError.get();
    }

    /** A signal came: no seed starts, and what the runs in progress end with is not judged. */
    void signalled() {
        signalled.set(true);
        stop.set(true);
    }

    boolean wasSignalled() {
        return signalled.get();
    }

    /** Whether the search stopped before its last seed (--until, a signal, or an error). */
    boolean stoppedEarly() {
        return stop.get() && tally.done() < plan.count();
    }

    private void seed(long seed) throws Exception {
        try {
            Attempt first = runner.run(seed, "first", null);
            if (signalled.get()) return;
            if (first.internalError()) throw new IllegalStateException(lastLine(first.stderr()));
            String failedBy = failOn.failedBy(first);
            if (failedBy.isEmpty()) {
                tally.passed();
                if (spotChecked(seed, spotCheckFraction)) spotCheck(first);
                return;
            }
            tally.failed();
            confirm(first, failedBy);
        } finally {
            runner.forget(seed);
        }
    }

    /** Re-runs a failing seed: the same failure every time is a bug (recorded), else a nondeterministic one. */
    private void confirm(Attempt first, String failedBy) throws Exception {
        long seed = first.seed();
        Signature signature = first.signature(failedBy);
        List<BugEntry.Rerun> history = new ArrayList<>();
        history.add(rerun(first, signature.describe()));
        Path recording = runner.recordingDir(seed);
        Attempt differing = null;
        for (int k = 1; k <= RERUNS && differing == null; k++) {
            Attempt again = runner.run(seed, "re-run " + k, k == 1 ? recording : null);
            if (signalled.get()) return;
            if (again.internalError()) throw new IllegalStateException(lastLine(again.stderr()));
            String fired = failOn.failedBy(again);
            Signature s = fired.isEmpty() ? null : again.signature(fired);
            history.add(rerun(again, s == null ? "passed" : s.describe()));
            if (!signature.equals(s)) differing = again;
        }
        boolean recorded = differing == null && Files.exists(recording.resolve(Recording.MANIFEST));
        String kind = differing == null ? BugEntry.BUG : BugEntry.NONDETERMINISTIC;
        Map<String, Path> logs = differing == null ? Map.of() : logsOf(first, differing);
        BugEntry entry = new BugEntry(signature.idFor(kind), kind, signature, List.of(seed), command,
                runner.entryOptions(), recorded ? binaries(recording) : List.of(), Version.number(),
                recorded ? BugBase.RECORDING : null, recorded ? seed : null, null, List.copyOf(logs.keySet()), history);
        add(entry, recorded ? recording : null, logs);
        dev.detsim.recorder.FileTrees.delete(recording);
    }

    /**
     * Re-runs a passing seed and compares it with the first run as verify does — the event logs' digests, the
     * status and the output: any difference is a nondeterminism bug, kept with both event logs.
     */
    private void spotCheck(Attempt first) throws Exception {
        Attempt again = runner.run(first.seed(), "spot-check", null);
        if (signalled.get()) return;
        List<String> differs = new ArrayList<>();
        if (again.status() != first.status()) differs.add("status");
        if (!again.stdout().equals(first.stdout())) differs.add("stdout");
        if (!again.stderr().equals(first.stderr())) differs.add("stderr");
        if (!again.digest().equals(first.digest())) differs.add("event log");
        tally.spotChecked(!differs.isEmpty());
        if (differs.isEmpty()) return;
        Signature signature = new Signature("re-run differs: " + String.join(", ", differs), "spot-check", null, "", null);
        String kind = BugEntry.NONDETERMINISM;
        Map<String, Path> logs = logsOf(first, again);
        List<BugEntry.Rerun> history = List.of(rerun(first, "digest " + first.digest()),
                rerun(again, "digest " + again.digest()));
        add(new BugEntry(signature.idFor(kind), kind, signature, List.of(first.seed()), command, runner.entryOptions(),
                List.of(), Version.number(), null, null, null, List.copyOf(logs.keySet()), history), null, logs);
    }

    private void add(BugEntry entry, Path recording, Map<String, Path> logs) throws BugBaseException {
        bugBase.add(entry, recording, logs);
        tally.found(entry, entry.seeds().get(0));
        if (until != null && tally.distinct() >= until) stop.set(true);
    }

    /** Both runs' event logs, named for the entry's logs/ directory. */
    private static Map<String, Path> logsOf(Attempt a, Attempt b) {
        Map<String, Path> logs = new TreeMap<>();
        for (Attempt x : List.of(a, b)) {
            if (x.events() != null) logs.put("logs/seed-" + x.seed() + "-" + x.label().replace(' ', '-') + ".events", x.events());
        }
        return logs;
    }

    private static BugEntry.Rerun rerun(Attempt a, String outcome) {
        return new BugEntry.Rerun(Instant.now().toString(), a.seed(), a.label(), outcome);
    }

    /** The programs the recorded run executed, with their hashes (the recording's files also hold what it read). */
    private static List<Manifest.FileHash> binaries(Path recording) throws RecordingException {
        Recording r = Recording.open(recording);
        var programs = RecordCommand.programPaths(r.manifest().program(), r.events());
        return r.manifest().files().stream().filter(f -> programs.contains(f.path())).toList();
    }

    private static String lastLine(String text) {
        String[] lines = text.strip().split("\n");
        return lines[lines.length - 1];
    }
}
