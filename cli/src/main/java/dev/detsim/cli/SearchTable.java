package dev.detsim.cli;

import dev.detsim.recorder.bugs.BugEntry;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** Tables for people: search's report, and the entries of a bug base (detsim bugs). */
final class SearchTable {
    private SearchTable() {}

    /** The report of a search (SearchTally.report) as a few lines and a table of its findings. */
    @SuppressWarnings("unchecked")
    static void print(PrintWriter out, Map<String, Object> report) {
        List<Double> ci = (List<Double>) report.get("interval95Per1000");
        out.printf("seeds run       %s%s%n", report.get("seedsRun"), Boolean.TRUE.equals(report.get("stoppedEarly"))
                ? " (stopped early)" : "");
        out.printf("failures        %s (%.1f per 1000 seeds, 95%% interval %.1f..%.1f)%n", report.get("failures"),
                report.get("failuresPer1000"), ci.get(0), ci.get(1));
        out.printf("spot-checks     %s (%s with another digest)%n", report.get("spotChecks"), report.get("spotCheckMismatches"));
        out.printf("distinct bugs   %s (and %s nondeterministic)%n", report.get("distinctBugs"),
                report.get("distinctNondeterministic"));
        out.printf("bug base        %s%n", report.get("bugbase"));
        List<Map<String, Object>> findings = (List<Map<String, Object>>) report.get("findings");
        if (findings.isEmpty()) return;
        out.println();
        out.printf("%-12s  %-16s  %-20s  %s%n", "ID", "KIND", "SEEDS", "SIGNATURE");
        for (Map<String, Object> f : findings) {
            out.printf("%-12s  %-16s  %-20s  %s%n", f.get("id"), f.get("kind"), seeds((List<Long>) f.get("seeds")),
                    f.get("signature"));
        }
    }

    /** A bug base's entries, one line each. */
    static void entries(PrintWriter out, List<BugEntry> entries) {
        out.printf("%-12s  %-16s  %5s  %-20s  %s%n", "ID", "KIND", "HITS", "SEEDS", "SIGNATURE");
        for (BugEntry e : entries) {
            out.printf("%-12s  %-16s  %5d  %-20s  %s%n", e.id(), e.kind(), e.seeds().size(), seeds(e.seeds()),
                    e.signature().describe());
        }
    }

    /** "2,6,11" or, past a few, "2,6,11,... (40)". */
    static String seeds(List<Long> seeds) {
        String shown = seeds.stream().limit(4).map(String::valueOf).collect(Collectors.joining(","));
        return seeds.size() <= 4 ? shown : shown + ",... (" + seeds.size() + ")";
    }
}
