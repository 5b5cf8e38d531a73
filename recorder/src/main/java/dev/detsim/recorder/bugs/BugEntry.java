package dev.detsim.recorder.bugs;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.detsim.recorder.Manifest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;

/**
 * One entry of a bug base (ID/entry.json): every seed that failed with one signature, and what is needed to
 * see the failure again. Entries are merged by id; {@link #merge} gives the same entry whatever the order.
 *
 * @param id {@link Signature#idFor} of signature and kind
 * @param kind {@link #BUG} (the failure came back on every re-run), {@link #NONDETERMINISTIC} (a re-run went
 *     otherwise) or {@link #NONDETERMINISM} (a passing seed's re-run gave another event-log digest)
 * @param signature what the failures share
 * @param seeds every seed that hit it, ascending
 * @param command the program and its arguments
 * @param options the options of detsim run every seed ran with (besides --seed)
 * @param binaries the programs the recorded run executed, with their SHA-256
 * @param detsim the detsim version of the search that found the smallest seed
 * @param recording the entry's recording directory (relative to the entry), or null
 * @param recordingSeed the seed that recording ran
 * @param shrunk a shrunk recording (relative to the entry), or null while none was made
 * @param logs event logs kept for the reader (relative to the entry): both runs of a nondeterministic seed
 * @param history every run of a failing seed: the first and its re-runs, with when and how each ended
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record BugEntry(String id, String kind, Signature signature, List<Long> seeds, List<String> command,
                       List<String> options, List<Manifest.FileHash> binaries, String detsim, String recording,
                       Long recordingSeed, String shrunk, List<String> logs, List<Rerun> history) {
    public static final String BUG = "bug";
    public static final String NONDETERMINISTIC = "nondeterministic";
    public static final String NONDETERMINISM = "nondeterminism";

    /** One run of a seed: when it ended (ISO-8601, UTC), the seed, what it was ("first", "re-run 1", "spot-check"), and how it ended. */
    public record Rerun(String time, long seed, String run, String outcome) {}

    /** Whose command, options and version an entry keeps: the smaller first seed's (ties broken by content). */
    private static final Comparator<BugEntry> FIRST = Comparator.comparingLong(BugEntry::firstSeed)
            .thenComparing(e -> String.valueOf(e.command) + e.options + e.detsim);
    private static final Comparator<Rerun> HISTORY_ORDER = Comparator.comparing(Rerun::time)
            .thenComparingLong(Rerun::seed).thenComparing(Rerun::run).thenComparing(Rerun::outcome);

    /**
     * The entry holding both: seeds, logs, binaries and history are united; the command, options and version are
     * those of the entry with the smaller seed, and so is the recording when both have one. Commutative,
     * associative and idempotent, which makes merging bug bases order-independent.
     */
    public BugEntry merge(BugEntry other) {
        if (!id.equals(other.id)) throw new IllegalArgumentException("entries " + id + " and " + other.id + " differ");
        BugEntry first = FIRST.compare(this, other) <= 0 ? this : other;
        BugEntry withRecording = chooseRecording(this, other);
        List<Long> allSeeds = sortedUnion(seeds, other.seeds, Comparator.naturalOrder());
        List<Rerun> allHistory = sortedUnion(history, other.history, HISTORY_ORDER);
        List<String> allLogs = sortedUnion(logs, other.logs, Comparator.naturalOrder());
        List<Manifest.FileHash> allBinaries = sortedUnion(binaries, other.binaries,
                Comparator.comparing(Manifest.FileHash::path).thenComparing(Manifest.FileHash::sha256));
        return new BugEntry(id, kind, signature, allSeeds, first.command, first.options, allBinaries, first.detsim,
                withRecording == null ? null : withRecording.recording,
                withRecording == null ? null : withRecording.recordingSeed,
                shrunkOf(withRecording, withRecording == this ? other : this), allLogs, allHistory);
    }

    /** The shrunk recording kept with withRecording's: its own, else the other's made from the same seed. */
    private static String shrunkOf(BugEntry withRecording, BugEntry other) {
        if (withRecording == null) return null;
        if (withRecording.shrunk != null) return withRecording.shrunk;
        return java.util.Objects.equals(withRecording.recordingSeed, other.recordingSeed) ? other.shrunk : null;
    }

    /** This entry with shrunk (relative to the entry, or null) and these runs added to its history. */
    public BugEntry withShrunk(String shrunk, List<Rerun> runs) {
        List<Rerun> all = new ArrayList<>(history == null ? List.of() : history);
        all.addAll(runs);
        all.sort(HISTORY_ORDER);
        return new BugEntry(id, kind, signature, seeds, command, options, binaries, detsim, recording, recordingSeed,
                shrunk, logs, all);
    }

    /** Of two entries, the one whose recording is kept: the smaller recorded seed; null if neither has one. */
    static BugEntry chooseRecording(BugEntry a, BugEntry b) {
        if (a.recordingSeed == null) return b.recordingSeed == null ? null : b;
        if (b.recordingSeed == null) return a;
        return a.recordingSeed <= b.recordingSeed ? a : b;
    }

    long firstSeed() {
        return seeds.isEmpty() ? Long.MAX_VALUE : seeds.get(0);
    }

    /** Both lists' elements, once each, in order. */
    private static <T> List<T> sortedUnion(List<T> a, List<T> b, Comparator<? super T> order) {
        TreeSet<T> all = new TreeSet<>(order);
        if (a != null) all.addAll(a);
        if (b != null) all.addAll(b);
        return new ArrayList<>(all);
    }
}
