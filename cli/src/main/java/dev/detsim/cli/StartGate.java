package dev.detsim.cli;

import dev.detsim.sandbox.os.Posix;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Path;

/**
 * replay's hold on its run: the run's JVM starts and gets ready (start-up, the recorded events read and chained)
 * while replay is still checking the files the recording depends on, and the program starts only once replay
 * says go — or never, when a check failed (replay then kills the run's JVM). A FIFO: replay holds it open for
 * reading and writing from before the run's JVM starts until the run ended, so the run's open never waits and the
 * go byte stays in the FIFO until the run reads it; the run reads one byte: {@code y} is go, end of file (replay
 * died) is stop.
 */
final class StartGate implements AutoCloseable {
    private static final int GO = 'y';
    private final Path path;
    private final RandomAccessFile held;

    private StartGate(Path path, RandomAccessFile held) {
        this.path = path;
        this.held = held;
    }

    /** Makes the gate, closed, as the FIFO "start" in dir (replay's own temporary directory). */
    static StartGate in(Path dir) throws IOException {
        Path fifo = dir.resolve("start");
        int r = Posix.forCurrentThread().mkfifo(fifo.toString(), 0600);
        if (r < 0) throw new IOException("cannot make " + fifo + " (errno " + -r + ")");
        return new StartGate(fifo, new RandomAccessFile(fifo.toFile(), "rw"));
    }

    /** Where the run waits (run's hidden --start-when). */
    Path path() {
        return path;
    }

    /** Lets the run's program start. */
    void go() throws IOException {
        held.write(GO);
    }

    /** The run ended (or was killed before its program started): closes replay's end. */
    @Override
    public void close() throws IOException {
        held.close();
    }

    /** The run's side: waits until replay says go (true) or stop (false). */
    static boolean await(Path fifo) throws IOException {
        try (FileInputStream in = new FileInputStream(fifo.toFile())) {
            return in.read() == GO;
        }
    }
}
