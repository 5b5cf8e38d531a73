package dev.detsim.feasibility;

import java.util.Locale;

/** How figures are written for people: durations with a unit, factors with an x. */
final class Format {
    private Format() {}

    /** 850 ns, 12.3 us, 4.56 ms, 1.23 s. */
    static String nanos(long ns) {
        if (ns < 1_000) {
            return ns + " ns";
        }
        if (ns < 1_000_000) {
            return threeDigits(ns / 1e3) + " us";
        }
        if (ns < 1_000_000_000) {
            return threeDigits(ns / 1e6) + " ms";
        }
        return threeDigits(ns / 1e9) + " s";
    }

    static String nanos(Long ns) {
        return ns == null ? "-" : nanos(ns.longValue());
    }

    /** 1.04x, 16.7x, 230x. */
    static String factor(Double f) {
        if (f == null) {
            return "-";
        }
        return threeDigits(f) + "x";
    }

    private static String threeDigits(double v) {
        if (v >= 100) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        if (v >= 10) {
            return String.format(Locale.ROOT, "%.1f", v);
        }
        return String.format(Locale.ROOT, "%.2f", v);
    }

    /** Seconds with one decimal, for durations of whole steps. */
    static String seconds(long ns) {
        return String.format(Locale.ROOT, "%.1f s", ns / 1e9);
    }
}
