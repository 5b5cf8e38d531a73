package dev.detsim.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.detsim.recorder.bugs.Signature;
import dev.detsim.scheduler.ScheduleScript;
import dev.detsim.scheduler.ThreadId;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The runs shrink judges schedules by: one seed of a bug base entry, each candidate schedule run as
 * {@code detsim run --chaos-policy=script:FILE} in the seed's directory, failing when the entry's criteria fire
 * with the original failure's signature (another failure is not this bug), within a budget of runs.
 */
final class ShrinkRuns implements ScheduleShrinker.Oracle {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final SeedRunner runner;
    private final long seed;
    private final FailOn failOn;
    private final Path scripts;
    private final int maxRuns;
    private final AtomicInteger runs = new AtomicInteger();
    private volatile boolean stopped;
    private Signature signature;
    /** The fewest switches of a schedule seen failing, for the progress line. */
    volatile int smallestFailing = -1;

    ShrinkRuns(SeedRunner runner, long seed, FailOn failOn, Path scripts, int maxRuns) {
        this.runner = runner;
        this.seed = seed;
        this.failOn = failOn;
        this.scripts = scripts;
        this.maxRuns = maxRuns;
    }

    int runs() {
        return runs.get();
    }

    /** A signal came: the run in progress is being ended, and none starts after it. */
    void stop() {
        stopped = true;
    }

    boolean stopped() {
        return stopped;
    }

    int maxRuns() {
        return maxRuns;
    }

    /**
     * The original run: with the entry's schedule options; its failure's signature is what candidates must
     * match. Null when a signal stopped shrink.
     */
    Attempt original(List<String> schedule, Path stats) throws Exception {
        runs.incrementAndGet();
        List<String> options = new ArrayList<>(schedule);
        options.add("--stats=" + stats);
        Attempt a = attempt("original", options);
        if (a == null) return null;
        String fired = failOn.failedBy(a);
        signature = fired.isEmpty() ? null : a.signature(fired);
        return a;
    }

    Signature signature() {
        return signature;
    }

    @Override
    public Boolean fails(ScheduleScript script) throws Exception {
        if (runs.get() >= maxRuns || stopped) return null;
        Attempt a = run(script, "candidate", null);
        if (a == null) return null; // ended by the signal: its outcome says nothing
        boolean fails = failsAsOriginal(a);
        if (fails && (smallestFailing < 0 || script.switches().size() < smallestFailing)) {
            smallestFailing = script.switches().size();
        }
        return fails;
    }

    @Override
    public ThreadId displaced(ScheduleScript script, long decision) throws Exception {
        if (runs.get() >= maxRuns || stopped) return null;
        for (JsonNode site : sites(script)) {
            if (site.path("decision").asLong() == decision && site.path("insteadOf").has("thread")) {
                return ThreadId.of(site.path("insteadOf").path("thread").asInt());
            }
        }
        return null;
    }

    /** Runs script once more, keeping where each of its switches happened (SwitchSites' lines); none if stopped. */
    List<JsonNode> sites(ScheduleScript script) throws Exception {
        Path file = scripts.resolve("sites-" + runs.get() + ".jsonl");
        List<JsonNode> sites = new ArrayList<>();
        if (run(script, "sites", file) == null || !Files.exists(file)) return sites;
        for (String line : Files.readAllLines(file)) if (!line.isBlank()) sites.add(JSON.readTree(line));
        return sites;
    }

    /** Whether a run of script repeats the failure (its own run, not counted against the budget's end). */
    boolean failsAsOriginal(Attempt a) {
        String fired = failOn.failedBy(a);
        return !fired.isEmpty() && a.signature(fired).equals(signature);
    }

    /** The file a script is written to for its run. */
    Path write(ScheduleScript script, String name) throws IOException {
        Path file = scripts.resolve(name);
        Files.writeString(file, script.toString());
        return file;
    }

    /** One run of the seed with options; null when a signal stopped shrink (the run was ended). */
    private Attempt attempt(String label, List<String> options) throws Exception {
        Attempt a;
        try {
            a = runner.run(seed, label, null, options);
        } catch (java.io.IOException e) {
            if (stopped) return null; // the signal cut the run's event log short
            throw e;
        }
        if (stopped) return null;
        failIfBroken(a);
        return a;
    }

    /** A run of script; null when a signal stopped shrink (the run was ended). */
    private Attempt run(ScheduleScript script, String what, Path sites) throws Exception {
        int n = runs.incrementAndGet();
        Path file = write(script, "schedule-" + n);
        List<String> options = new ArrayList<>(List.of("--chaos-policy=script:" + file));
        if (sites != null) options.add("--switch-sites=" + sites);
        Attempt a = attempt(what + " " + n, options);
        if (a == null) return null;
        runner.forget(seed);
        Files.deleteIfExists(file);
        return a;
    }

    private static void failIfBroken(Attempt a) {
        if (a.internalError()) {
            String[] lines = a.stderr().strip().split("\n");
            throw new IllegalStateException(lines[lines.length - 1]);
        }
    }
}
