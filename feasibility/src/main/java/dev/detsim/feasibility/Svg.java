package dev.detsim.feasibility;

import java.util.Locale;

/** A small SVG writer: just the elements the charts use, with text escaped. */
final class Svg {
    static final String NATIVE_COLOUR = "#1f77b4";
    static final String DETSIM_COLOUR = "#ff7f0e";

    private final StringBuilder sb = new StringBuilder();
    private final int width;
    private final int height;

    Svg(int width, int height, String title) {
        this.width = width;
        this.height = height;
        sb.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\""
                + " viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\">%n", width, height, width, height));
        sb.append("<title>").append(escape(title)).append("</title>\n");
        sb.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", width, height));
        text(width / 2.0, 20, title, "middle", 14, "black");
    }

    int width() {
        return width;
    }

    int height() {
        return height;
    }

    Svg line(double x1, double y1, double x2, double y2, String colour, double strokeWidth, boolean dashed) {
        sb.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\""
                + " stroke-width=\"%.1f\"%s/>%n", x1, y1, x2, y2, colour, strokeWidth,
                dashed ? " stroke-dasharray=\"5,4\"" : ""));
        return this;
    }

    Svg rect(double x, double y, double w, double h, String colour) {
        sb.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"/>%n",
                x, y, Math.max(0, w), Math.max(0, h), colour));
        return this;
    }

    Svg text(double x, double y, String text, String anchor, int size, String colour) {
        sb.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" font-size=\"%d\""
                + " fill=\"%s\">%s</text>%n", x, y, anchor, size, colour, escape(text)));
        return this;
    }

    Svg polyline(double[] xs, double[] ys, String colour) {
        StringBuilder pts = new StringBuilder();
        for (int i = 0; i < xs.length; i++) {
            pts.append(String.format(Locale.ROOT, "%.1f,%.1f ", xs[i], ys[i]));
        }
        sb.append(String.format(Locale.ROOT, "<polyline points=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"2\"/>%n",
                pts.toString().strip(), colour));
        for (int i = 0; i < xs.length; i++) {
            sb.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2.5\" fill=\"%s\"/>%n",
                    xs[i], ys[i], colour));
        }
        return this;
    }

    /** The native / detsim legend at the top right. */
    Svg legend() {
        double x = width - 200;
        rect(x, 34, 12, 12, NATIVE_COLOUR).text(x + 18, 45, "native", "start", 12, "black");
        rect(x + 80, 34, 12, 12, DETSIM_COLOUR).text(x + 98, 45, "under detsim", "start", 12, "black");
        return this;
    }

    String end() {
        return sb + "</svg>\n";
    }

    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
