package dev.detsim.feasibility;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One run of a measurement on one side: natively or under detsim.
 *
 * @param where         native or under detsim
 * @param command       the command that was run (for detsim: the whole {@code detsim run ... -- CMD} line)
 * @param ending        how the process ended
 * @param exitStatus    its exit status (128+S when killed by signal S), or null if it never ended by itself
 * @param wallNanos     launch to exit (or to readiness, for a server's start-up), host clock of the harness
 * @param latency       the samples' distribution, or null when the run has no samples
 * @param threads       a thread count, or null; {@code threadsSource} says which count
 * @param threadsSource where {@code threads} comes from, or null
 * @param digest        {@code detsim run --digest}'s event-log digest, or null
 * @param note          one line on what went wrong or what is worth knowing, or null
 * @param details       further figures, by name (sorted)
 */
public record Side(Where where, List<String> command, Ending ending, Integer exitStatus, Long wallNanos,
        Latency latency, Integer threads, String threadsSource, String digest, String note,
        Map<String, String> details) {

    /** Native or under detsim. */
    public enum Where {
        NATIVE("native"), DETSIM("detsim");

        private final String json;

        Where(String json) {
            this.json = json;
        }

        public String json() {
            return json;
        }
    }

    /** How a run ended. */
    public enum Ending {
        /** Exited with status 0. */
        OK("ok", true),
        /** A server that the harness stopped when it was done with it, as planned. */
        STOPPED("stopped", true),
        /** Exited with a non-zero status (not a signal). */
        FAILED("failed", false),
        /** Killed by a signal the harness did not send: a crash. */
        CRASHED("crashed", false),
        /** Did not finish (or become ready) within its timeout; the harness killed it. */
        HUNG("hung", false),
        /** Killed because the run's time budget was used up: says nothing about the program. */
        OUT_OF_TIME("out-of-time", false),
        /** Could not be started at all. */
        NOT_STARTED("not-started", false);

        private final String json;
        private final boolean good;

        Ending(String json, boolean good) {
            this.json = json;
            this.good = good;
        }

        public String json() {
            return json;
        }

        /** True for a run that went as planned. */
        public boolean good() {
            return good;
        }

        /** True for a crash or a hang: the program's own failure, as opposed to the harness's. */
        public boolean crashOrHang() {
            return this == CRASHED || this == HUNG;
        }
    }

    public Side {
        command = List.copyOf(command);
        details = new TreeMap<>(details);
    }

    /** The side's latency p50, or null. */
    Long p50() {
        return latency == null ? null : latency.p50();
    }

    Side withLatency(Latency l) {
        return new Side(where, command, ending, exitStatus, wallNanos, l, threads, threadsSource, digest, note, details);
    }

    Side withThreads(Integer n, String source) {
        return new Side(where, command, ending, exitStatus, wallNanos, latency, n, source, digest, note, details);
    }

    Side withWallNanos(Long nanos) {
        return new Side(where, command, ending, exitStatus, nanos, latency, threads, threadsSource, digest, note, details);
    }

    Side withNote(String n) {
        return new Side(where, command, ending, exitStatus, wallNanos, latency, threads, threadsSource, digest, n, details);
    }

    Side withEnding(Ending e) {
        return new Side(where, command, e, exitStatus, wallNanos, latency, threads, threadsSource, digest, note, details);
    }

    Side withDetail(String key, Object value) {
        Map<String, String> d = new TreeMap<>(details);
        d.put(key, String.valueOf(value));
        return new Side(where, command, ending, exitStatus, wallNanos, latency, threads, threadsSource, digest, note, d);
    }
}
