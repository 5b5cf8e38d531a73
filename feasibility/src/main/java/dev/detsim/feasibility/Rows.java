package dev.detsim.feasibility;

import dev.detsim.feasibility.Measurement.Status;
import java.util.function.Predicate;

/** The status of a row from its two sides: what natively failed did not run; what failed only under detsim failed. */
final class Rows {
    private Rows() {}

    /** A status and its reason (null for OK). */
    record Outcome(Status status, String reason) {}

    /**
     * @param detsim        the run under detsim, or null if it did not run
     * @param detsimNotRun  why it did not run (used when {@code detsim} is null)
     */
    static Outcome compare(Side nativeSide, Side detsim, String detsimNotRun, Predicate<Side> ok) {
        if (nativeSide == null || !ok.test(nativeSide)) {
            return new Outcome(Status.NOT_RUN, "not run: failed natively, so there is nothing to compare: "
                    + describe(nativeSide));
        }
        if (detsim == null) {
            return new Outcome(Status.NOT_RUN, detsimNotRun != null ? detsimNotRun : "not run under detsim");
        }
        if (!ok.test(detsim)) {
            return new Outcome(Status.FAILED, "failed under detsim: " + describe(detsim));
        }
        return new Outcome(Status.OK, null);
    }

    static String describe(Side s) {
        if (s == null) {
            return "no run";
        }
        String status = s.exitStatus() == null ? "" : " (status " + s.exitStatus() + ")";
        return s.ending().json() + status + (s.note() == null ? "" : ": " + s.note());
    }

    /** "natively" or "under detsim", for progress lines. */
    static String how(Side.Where where) {
        return where == Side.Where.NATIVE ? "natively" : "under detsim";
    }
}
