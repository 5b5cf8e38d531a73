package dev.detsim.feasibility;

import java.util.List;

/**
 * The overall answer: NO-GO if any threshold says STOP (one STOP settles it, whatever did not run); else
 * INCOMPLETE if any threshold lacks a row it needs (a row that did not run never counts as passed); else GO.
 */
public enum Verdict {
    GO("GO"), NO_GO("NO-GO"), INCOMPLETE("INCOMPLETE");

    private final String label;

    Verdict(String label) {
        this.label = label;
    }

    /** As written in the reports: {@code GO}, {@code NO-GO}, {@code INCOMPLETE}. */
    public String label() {
        return label;
    }

    public static Verdict of(List<Threshold> thresholds) {
        if (thresholds.stream().anyMatch(t -> t.status() == Threshold.Status.STOP)) {
            return NO_GO;
        }
        if (thresholds.isEmpty() || thresholds.stream().anyMatch(t -> t.status() == Threshold.Status.INCOMPLETE)) {
            return INCOMPLETE;
        }
        return GO;
    }

    /** One line per threshold that decided the verdict (all of them for GO). */
    public static List<String> reasons(List<Threshold> thresholds) {
        Verdict v = of(thresholds);
        Threshold.Status deciding = switch (v) {
            case NO_GO -> Threshold.Status.STOP;
            case INCOMPLETE -> Threshold.Status.INCOMPLETE;
            case GO -> Threshold.Status.PASS;
        };
        List<String> r = thresholds.stream().filter(t -> t.status() == deciding)
                .map(t -> t.id() + ": " + t.summary()).toList();
        return r.isEmpty() ? List.of("no threshold was evaluated") : r;
    }
}
