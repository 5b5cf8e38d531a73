package dev.detsim.cli;

import java.io.PrintWriter;
import java.time.Duration;

/**
 * search's progress on stderr: on a terminal one line redrawn in place ("\r") every second; otherwise (a log,
 * a CI job, a pod) a plain line every 30 seconds, so that logs stay short. A dependency for this was not worth
 * it: the line is short, and a terminal needs nothing but "\r".
 */
final class Progress {
    private final PrintWriter err;
    private final SearchTally tally;
    private final long total;
    private final long start = System.nanoTime();
    private final boolean terminal;
    private Thread thread;

    Progress(PrintWriter err, SearchTally tally, long total) {
        this.err = err;
        this.tally = tally;
        this.total = total;
        java.io.Console console = System.console();
        this.terminal = console != null && console.isTerminal();
    }

    void start() {
        thread = Thread.ofPlatform().daemon().name("detsim-progress").start(() -> {
            try {
                while (true) {
                    Thread.sleep(terminal ? 1000 : 30_000);
                    print();
                }
            } catch (InterruptedException e) {
                // the search ended
            }
        });
    }

    void stop() {
        if (thread != null) thread.interrupt();
        if (terminal) {
            synchronized (err) {
                err.print("\r" + line() + "\n");
                err.flush();
            }
        }
    }

    private void print() {
        synchronized (err) {
            err.print(terminal ? "\r" + line() + "\u001b[K" : line() + "\n");
            err.flush();
        }
    }

    /** "detsim: search: [#####.....] 50/100 seeds, 3 failures, 1 bug, ETA 2m05s". */
    String line() {
        long done = tally.done();
        int width = 20, filled = total == 0 ? width : (int) (done * width / total);
        String bar = "#".repeat(filled) + ".".repeat(width - filled);
        double elapsed = (System.nanoTime() - start) / 1e9;
        String eta = done == 0 ? "?" : format(Duration.ofSeconds((long) (elapsed / done * (total - done))));
        return String.format("detsim: search: [%s] %d/%d seeds, %d failures, %d distinct, ETA %s",
                bar, done, total, tally.failures(), tally.distinct(), eta);
    }

    private static String format(Duration d) {
        long s = d.toSeconds();
        return s >= 3600 ? String.format("%dh%02dm", s / 3600, s / 60 % 60) : String.format("%dm%02ds", s / 60, s % 60);
    }
}
