package dev.detsim.feasibility;

import java.io.PrintWriter;

/**
 * Progress lines on stderr while the harness runs: {@code [3/40] go ping-pong across threads under detsim ...}
 * when a step starts, and an indented result line when it ends.
 */
public final class Progress {
    private final PrintWriter out;
    private int total;
    private int done;
    private long stepStart;

    public Progress(PrintWriter out) {
        this.out = out;
    }

    /** A Progress that prints nothing (tests that check the result only). */
    public static Progress silent() {
        return new Progress(new PrintWriter(java.io.Writer.nullWriter()));
    }

    void plan(int steps) {
        total = steps;
        done = 0;
    }

    void start(String step) {
        done++;
        stepStart = System.nanoTime();
        out.printf("[%d/%d] %s ...%n", done, Math.max(total, done), step);
        out.flush();
    }

    void end(String result) {
        out.printf("        %s (%s)%n", result, Format.seconds(System.nanoTime() - stepStart));
        out.flush();
    }

    void note(String line) {
        out.println(line);
        out.flush();
    }
}
