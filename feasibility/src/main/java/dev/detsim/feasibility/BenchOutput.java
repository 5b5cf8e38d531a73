package dev.detsim.feasibility;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A Go benchmark's output as the harness reads it from the run's log: {@code # key=value} metadata lines and
 * one sample per line (a non-negative integer, nanoseconds per operation). Any other line (detsim's
 * {@code detsim: ...} lines, the benchmark's own errors) is kept as a message.
 *
 * @param meta     the metadata (bench, clock, batch, clock_read_ns, ...)
 * @param samples  the samples, in order
 * @param messages the other non-empty lines
 */
record BenchOutput(Map<String, String> meta, long[] samples, List<String> messages) {

    static BenchOutput parse(String log) {
        Map<String, String> meta = new TreeMap<>();
        List<String> messages = new ArrayList<>();
        long[] samples = new long[64];
        int n = 0;
        for (String line : log.split("\n")) {
            String l = line.strip();
            if (l.isEmpty()) {
                continue;
            }
            if (l.startsWith("# ") && l.indexOf('=') > 2) {
                int eq = l.indexOf('=');
                meta.put(l.substring(2, eq), l.substring(eq + 1));
            } else if (isCount(l)) {
                if (n == samples.length) {
                    samples = java.util.Arrays.copyOf(samples, n * 2);
                }
                samples[n++] = Long.parseLong(l);
            } else {
                messages.add(l);
            }
        }
        return new BenchOutput(meta, java.util.Arrays.copyOf(samples, n), messages);
    }

    private static boolean isCount(String s) {
        if (s.isEmpty() || s.length() > 18) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }
}
