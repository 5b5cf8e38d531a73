package dev.detsim.feasibility;

import dev.detsim.feasibility.Measurement.Kind;
import dev.detsim.feasibility.Side.Where;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The charts, as SVG written by hand: degradation factors (one bar per row, log scale, the 10x STOP line),
 * latency percentile curves native vs under detsim (one chart per latency row) and thread growth.
 */
public final class ReportSvg {
    static final String DEGRADATION = "degradation.svg";
    static final String THREADS = "threads.svg";

    private ReportSvg() {}

    /** True for the name of a chart this class writes. */
    static boolean isChart(String name) {
        return name.equals(DEGRADATION) || name.equals(THREADS) || (name.startsWith("latency-") && name.endsWith(".svg"));
    }

    /** Writes every chart the report has data for into {@code dir}; returns their file names. */
    public static List<String> write(Report r, Path dir) throws IOException {
        List<String> names = new ArrayList<>();
        List<Measurement> factors = r.measurements().stream().filter(m -> m.factor() != null).toList();
        if (!factors.isEmpty()) {
            Files.writeString(dir.resolve(DEGRADATION), degradation(factors), StandardCharsets.UTF_8);
            names.add(DEGRADATION);
        }
        List<Measurement> threads = r.measurements().stream()
                .filter(m -> m.kind() == Kind.THREADS && !m.sides().isEmpty()).toList();
        if (!threads.isEmpty()) {
            Files.writeString(dir.resolve(THREADS), threads(threads), StandardCharsets.UTF_8);
            names.add(THREADS);
        }
        for (Measurement m : r.measurements()) {
            if (m.kind() == Kind.LATENCY && m.sides().stream().anyMatch(s -> s.latency() != null)) {
                String name = "latency-" + m.id() + ".svg";
                Files.writeString(dir.resolve(name), latency(m), StandardCharsets.UTF_8);
                names.add(name);
            }
        }
        return names;
    }

    /** Horizontal bars of detsim/native factors on a log scale, with the STOP line at 10x. */
    static String degradation(List<Measurement> rows) {
        // A factor of 0 (detsim's p50 was 0, e.g. a timer that fired late by nothing) has no place on a log scale:
        // the axis is made from the positive factors, and such a row gets its label but no bar.
        double min = rows.stream().mapToDouble(Measurement::factor).filter(f -> f > 0).min().orElse(1);
        double max = rows.stream().mapToDouble(Measurement::factor).filter(Double::isFinite).max().orElse(1);
        double lo = Math.pow(10, Math.floor(Math.log10(Math.min(min, 0.5))));
        double hi = Math.pow(10, Math.ceil(Math.log10(Math.max(max, 20))));
        int left = 330;
        int plot = 480;
        int top = 60;
        int rowH = 22;
        Svg svg = new Svg(left + plot + 80, top + rowH * rows.size() + 50,
                "Degradation: p50 under detsim / p50 natively (wall time for start-ups)");
        java.util.function.DoubleUnaryOperator x = f -> left + plot * (Math.log10(f) - Math.log10(lo))
                / (Math.log10(hi) - Math.log10(lo));
        double bottom = top + rowH * rows.size();
        for (double d = lo; d <= hi * 1.0001; d *= 10) {
            svg.line(x.applyAsDouble(d), top - 5, x.applyAsDouble(d), bottom, "#dddddd", 1, false);
            svg.text(x.applyAsDouble(d), bottom + 16, Format.factor(d), "middle", 11, "#555555");
        }
        svg.line(x.applyAsDouble(1), top - 5, x.applyAsDouble(1), bottom, "#888888", 1, false);
        double stop = x.applyAsDouble(Threshold.DEGRADATION_LIMIT);
        svg.line(stop, top - 10, stop, bottom, "#c0392b", 2, true);
        svg.text(stop + 4, top - 14, "STOP above 10x (basic operations)", "start", 11, "#c0392b");
        for (int i = 0; i < rows.size(); i++) {
            Measurement m = rows.get(i);
            double y = top + i * rowH;
            String colour = !m.basicOperation() ? "#9e9e9e"
                    : m.factor() > Threshold.DEGRADATION_LIMIT ? "#c0392b" : "#2e86c1";
            svg.text(left - 8, y + 15, m.id() + (m.basicOperation() ? " (basic)" : ""), "end", 12, "black");
            double x0 = x.applyAsDouble(1);
            double x1 = m.factor() > 0 ? x.applyAsDouble(Math.min(m.factor(), hi)) : x0;
            svg.rect(Math.min(x0, x1), y + 4, Math.abs(x1 - x0), rowH - 8, colour);
            svg.text(Math.max(x0, x1) + 5, y + 15, Format.factor(m.factor()), "start", 11, "black");
        }
        svg.text(left, bottom + 36, "bars start at 1x (no change); blue: basic operations (counted), grey: shown for"
                + " explanation only", "start", 11, "#555555");
        return svg.end();
    }

    /** Latency at each percentile, native and under detsim; x is the number of nines, y is log scale. */
    static String latency(Measurement m) {
        List<Side> sides = m.sides().stream().filter(s -> s.latency() != null).toList();
        long lo = sides.stream().flatMap(s -> s.latency().curve().stream()).mapToLong(Latency.Point::nanos)
                .filter(v -> v > 0).min().orElse(1);
        long hi = sides.stream().flatMap(s -> s.latency().curve().stream()).mapToLong(Latency.Point::nanos).max()
                .orElse(10);
        double yLo = Math.floor(Math.log10(Math.max(1, lo)));
        double yHi = Math.max(yLo + 1, Math.ceil(Math.log10(Math.max(hi, 2))));
        long count = sides.stream().mapToLong(s -> s.latency().count()).max().orElse(1000);
        double maxNines = nines(100, count);
        int left = 80;
        int top = 70;
        int w = 560;
        int h = 300;
        Svg svg = new Svg(left + w + 60, top + h + 86, m.id());
        svg.text(left, 58, m.title(), "start", 12, "#333333");
        svg.legend();
        java.util.function.DoubleUnaryOperator x = n -> left + w * n / maxNines;
        java.util.function.DoubleUnaryOperator y = v -> top + h - h * (Math.log10(Math.max(v, 1)) - yLo) / (yHi - yLo);
        for (double d = yLo; d <= yHi; d++) {
            double yy = y.applyAsDouble(Math.pow(10, d));
            svg.line(left, yy, left + w, yy, "#dddddd", 1, false);
            svg.text(left - 6, yy + 4, decade((int) d), "end", 11, "#555555");
        }
        String[] labels = {"0%", "90%", "99%", "99.9%", "99.99%", "99.999%"};
        for (int n = 0; n < maxNines && n < labels.length; n++) {
            double xx = x.applyAsDouble(n);
            svg.line(xx, top, xx, top + h, "#dddddd", 1, false);
            svg.text(xx, top + h + 16, labels[n], "middle", 11, "#555555");
        }
        svg.text(x.applyAsDouble(maxNines), top + h + 16, "max", "middle", 11, "#555555");
        svg.text(left + w / 2.0, top + h + 34, "percentile", "middle", 11, "#555555");
        for (Side s : sides) {
            List<Latency.Point> pts = s.latency().curve();
            double[] xs = new double[pts.size()];
            double[] ys = new double[pts.size()];
            for (int i = 0; i < pts.size(); i++) {
                xs[i] = x.applyAsDouble(nines(pts.get(i).percentile(), count));
                ys[i] = y.applyAsDouble(pts.get(i).nanos());
            }
            svg.polyline(xs, ys, s.where() == Where.NATIVE ? Svg.NATIVE_COLOUR : Svg.DETSIM_COLOUR);
        }
        String clock = m.clock() == null ? "" : m.clock().equals(Measurement.PROGRAM_CLOCK)
                ? "clock: host CLOCK_MONOTONIC_RAW read inside the program" : "clock: host clock, harness outside the sandbox";
        svg.text(left, top + h + 54, clock, "start", 11, "#555555");
        if (m.sample() != null) {
            svg.text(left, top + h + 70, "sample: " + m.sample(), "start", 11, "#555555");
        }
        return svg.end();
    }

    /** 10^d nanoseconds as an axis label: 1 ns, 10 ns, 100 ns, 1 us, ... */
    static String decade(int d) {
        String[] units = {"ns", "us", "ms", "s"};
        int unit = Math.min(d / 3, units.length - 1);
        return (long) Math.pow(10, d - 3 * unit) + " " + units[unit];
    }

    /**
     * Percentile p as "nines" (90 -> 1, 99 -> 2, 99.9 -> 3); the maximum is drawn a little beyond the last
     * percentile the sample count resolves (log10 of the count).
     */
    static double nines(double p, long count) {
        double resolved = Math.log10(Math.max(10, count));
        return p >= 100 ? resolved + 0.3 : Math.min(resolved, -Math.log10(1 - p / 100));
    }

    /** Threads against N, native (the program's count) and under detsim (the tracer's peak). */
    static String threads(List<Measurement> rows) {
        int maxN = rows.stream().mapToInt(m -> Integer.parseInt(m.parameters().get("n"))).max().orElse(1);
        int maxT = rows.stream().flatMap(m -> m.sides().stream()).map(Side::threads).filter(t -> t != null)
                .mapToInt(Integer::intValue).max().orElse(maxN);
        int left = 60;
        int top = 55;
        int w = 560;
        int h = 300;
        int yMax = Math.max(maxT, maxN) + 5;
        Svg svg = new Svg(left + w + 40, top + h + 60, "Thread growth: N concurrent blocking read(2)s");
        svg.legend();
        java.util.function.DoubleUnaryOperator x = n -> left + w * n / maxN;
        java.util.function.DoubleUnaryOperator y = t -> top + h - h * t / yMax;
        int step = yMax > 50 ? 10 : 5;
        for (int t = 0; t <= yMax; t += step) {
            svg.line(left, y.applyAsDouble(t), left + w, y.applyAsDouble(t), "#dddddd", 1, false);
            svg.text(left - 6, y.applyAsDouble(t) + 4, "" + t, "end", 11, "#555555");
        }
        for (int n = 0; n <= maxN; n += maxN > 16 ? 8 : 2) {
            svg.text(x.applyAsDouble(n), top + h + 16, "" + n, "middle", 11, "#555555");
        }
        svg.text(left + w / 2.0, top + h + 34, "N (threads: native = program's /proc count, detsim = tracer's peak)",
                "middle", 11, "#555555");
        double floor = x.applyAsDouble(Threshold.CONCURRENCY_FLOOR);
        svg.line(floor, top, floor, top + h, "#c0392b", 1.5, true);
        svg.text(floor + 4, top + 12, "N = 10", "start", 11, "#c0392b");
        for (Where where : Where.values()) {
            List<double[]> pts = new ArrayList<>();
            for (Measurement m : rows) {
                Optional<Integer> t = m.side(where).map(Side::threads);
                if (t.isPresent() && t.get() != null) {
                    pts.add(new double[] {x.applyAsDouble(Integer.parseInt(m.parameters().get("n"))),
                        y.applyAsDouble(t.get())});
                }
            }
            svg.polyline(pts.stream().mapToDouble(p -> p[0]).toArray(), pts.stream().mapToDouble(p -> p[1]).toArray(),
                    where == Where.NATIVE ? Svg.NATIVE_COLOUR : Svg.DETSIM_COLOUR);
        }
        return svg.end();
    }
}
