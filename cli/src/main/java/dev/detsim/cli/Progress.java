package dev.detsim.cli;

import java.io.PrintWriter;
import java.time.Duration;

/**
 * Progress of long work (search, shrink) on stderr: on a terminal one line redrawn in place ("\r") every second; otherwise (a log,
 * a CI job, a pod) a plain line every 30 seconds, so that logs stay short. A dependency for this was not worth
 * it: the line is short, and a terminal needs nothing but "\r".
 */
final class Progress {
    private final PrintWriter err;
    private final java.util.function.Supplier<String> line;
    private final long start = System.nanoTime();
    private final boolean terminal;
    private Thread thread;

    /** The progress of a search over total seeds. */
    Progress(PrintWriter err, SearchTally tally, long total) {
        this.err = err;
        this.line = () -> searchLine(tally, total);
        this.terminal = onTerminal();
    }

    /** Progress told by line, asked each time it is shown. */
    Progress(PrintWriter err, java.util.function.Supplier<String> line) {
        this.err = err;
        this.line = line;
        this.terminal = onTerminal();
    }

    private static boolean onTerminal() {
        java.io.Console console = System.console();
        return console != null && console.isTerminal();
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
                err.print("\r" + line.get() + "\u001b[K\n");
                err.flush();
            }
        }
    }

    private void print() {
        synchronized (err) {
            err.print(terminal ? "\r" + line.get() + "\u001b[K" : line.get() + "\n");
            err.flush();
        }
    }

    /** "detsim: search: [#####.....] 50/100 seeds, 3 failures, 1 bug, ETA 2m05s". */
    private String searchLine(SearchTally tally, long total) {
        long done = tally.done();
        return String.format("detsim: search: %s %d/%d seeds, %d failures, %d distinct, ETA %s",
                bar(done, total), done, total, tally.failures(), tally.distinct(), eta(done, total));
    }

    /** "[#####...............]": done of total. */
    static String bar(long done, long total) {
        int width = 20, filled = total == 0 ? width : (int) (Math.min(done, total) * width / total);
        return "[" + "#".repeat(filled) + ".".repeat(width - filled) + "]";
    }

    /** The time left if the rest goes as fast as done did ("?" before the first). */
    String eta(long done, long total) {
        double elapsed = (System.nanoTime() - start) / 1e9;
        return done == 0 ? "?" : format(Duration.ofSeconds((long) (elapsed / done * Math.max(0, total - done))));
    }

    private static String format(Duration d) {
        long s = d.toSeconds();
        return s >= 3600 ? String.format("%dh%02dm", s / 3600, s / 60 % 60) : String.format("%dm%02ds", s / 60, s % 60);
    }
}
