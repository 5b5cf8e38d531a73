package dev.detsim.feasibility;

import java.util.ArrayList;
import java.util.List;
import org.HdrHistogram.Histogram;

/**
 * The distribution of one run's samples (nanoseconds), recorded into an HdrHistogram with 3 significant
 * digits: so every percentile below is within 0.1% of the exact sample value.
 *
 * @param curve the percentile curve for charts: the value at 0, 50, 75, 90, 95, 99, 99.5, 99.9, 99.95, 99.99 and
 *              100 percent, as far as the sample count resolves them (99.9 needs at least 1000 samples)
 */
public record Latency(long count, long min, long p50, long p90, long p99, long p999, long max, double mean,
        List<Point> curve) {

    /** One point of the percentile curve. */
    public record Point(double percentile, long nanos) {}

    static final double[] CURVE = {0, 50, 75, 90, 95, 99, 99.5, 99.9, 99.95, 99.99, 100};

    public Latency {
        curve = List.copyOf(curve);
    }

    /** The distribution of {@code samples}; negative samples are an error of the caller. */
    public static Latency of(long[] samples) {
        if (samples.length == 0) {
            throw new IllegalArgumentException("no samples");
        }
        Histogram h = new Histogram(3);
        for (long s : samples) {
            if (s < 0) {
                throw new IllegalArgumentException("negative sample " + s);
            }
            h.recordValue(s);
        }
        List<Point> curve = new ArrayList<>();
        for (double p : CURVE) {
            // A percentile is resolved when at least one sample lies above it (100 is always resolved: the max).
            if (p == 100 || (1 - p / 100) * samples.length >= 1) {
                curve.add(new Point(p, p == 0 ? h.getMinValue() : h.getValueAtPercentile(p)));
            }
        }
        return new Latency(h.getTotalCount(), h.getMinValue(), h.getValueAtPercentile(50), h.getValueAtPercentile(90),
                h.getValueAtPercentile(99), h.getValueAtPercentile(99.9), h.getMaxValue(), h.getMean(), curve);
    }
}
