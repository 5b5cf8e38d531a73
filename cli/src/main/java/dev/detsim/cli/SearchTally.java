package dev.detsim.cli;

import dev.detsim.recorder.bugs.BugEntry;
import dev.detsim.recorder.bugs.Signature;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/** What a search has found so far; its threads add to it, the progress line and the report read it. */
final class SearchTally {
    /** A finding of this search: its entry's id, kind and signature, and the seeds of this search that hit it. */
    record Finding(String id, String kind, Signature signature, TreeSet<Long> seeds) {}

    private long done, failures, spotChecks, spotCheckMismatches;
    private final Map<String, Finding> findings = new TreeMap<>();

    synchronized void passed() {
        done++;
    }

    synchronized void spotChecked(boolean mismatch) {
        spotChecks++;
        if (mismatch) spotCheckMismatches++;
    }

    synchronized void failed() {
        done++;
        failures++;
    }

    synchronized void found(BugEntry entry, long seed) {
        findings.computeIfAbsent(entry.id(), id -> new Finding(id, entry.kind(), entry.signature(), new TreeSet<>()))
                .seeds().add(seed);
    }

    synchronized long done() {
        return done;
    }

    synchronized long failures() {
        return failures;
    }

    synchronized long spotChecks() {
        return spotChecks;
    }

    synchronized long spotCheckMismatches() {
        return spotCheckMismatches;
    }

    /** Distinct entries found, of any kind. */
    synchronized int distinct() {
        return findings.size();
    }

    synchronized int distinct(String kind) {
        return (int) findings.values().stream().filter(f -> f.kind().equals(kind)).count();
    }

    synchronized List<Finding> findings() {
        List<Finding> copy = new ArrayList<>();
        for (Finding f : findings.values()) copy.add(new Finding(f.id(), f.kind(), f.signature(), new TreeSet<>(f.seeds())));
        return copy;
    }

    /** The 95 % Wilson score interval of the failure rate, per 1000 seeds: {low, high}. */
    static double[] interval95(long failures, long runs) {
        if (runs == 0) return new double[] {0, 1000};
        double z = 1.959964, n = runs, p = failures / n;
        double centre = (p + z * z / (2 * n)) / (1 + z * z / n);
        double half = z * Math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n);
        return new double[] {Math.max(0, centre - half) * 1000, Math.min(1, centre + half) * 1000};
    }

    /** The report as an ordered map (JSON object). */
    synchronized Map<String, Object> report(SeedPlan plan, String bugbase, double seconds, boolean stoppedEarly) {
        Map<String, Object> m = new LinkedHashMap<>();
        Map<String, Object> seeds = new LinkedHashMap<>();
        seeds.put("first", plan.first());
        seeds.put("last", plan.last());
        seeds.put("shard", plan.shard());
        seeds.put("shards", plan.shards());
        m.put("seeds", seeds);
        m.put("seedsRun", done);
        m.put("stoppedEarly", stoppedEarly);
        m.put("failures", failures);
        m.put("failuresPer1000", done == 0 ? 0.0 : round(failures * 1000.0 / done));
        double[] ci = interval95(failures, done);
        m.put("interval95Per1000", List.of(round(ci[0]), round(ci[1])));
        m.put("spotChecks", spotChecks);
        m.put("spotCheckMismatches", spotCheckMismatches);
        m.put("distinctBugs", distinct(BugEntry.BUG));
        m.put("distinctNondeterministic", distinct(BugEntry.NONDETERMINISTIC) + distinct(BugEntry.NONDETERMINISM));
        List<Map<String, Object>> list = new ArrayList<>();
        for (Finding f : findings.values()) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("id", f.id());
            e.put("kind", f.kind());
            e.put("signature", f.signature().describe());
            e.put("seeds", List.copyOf(f.seeds()));
            list.add(e);
        }
        m.put("findings", list);
        m.put("bugbase", bugbase);
        m.put("seconds", round(seconds));
        return m;
    }

    private static double round(double x) {
        return Math.round(x * 10) / 10.0;
    }
}
