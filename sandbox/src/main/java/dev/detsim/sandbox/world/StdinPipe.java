package dev.detsim.sandbox.world;

import static dev.detsim.abi.Fcntl.F_GETFL;
import static dev.detsim.abi.Fcntl.F_SETFL;
import static dev.detsim.abi.OpenFlags.O_CLOEXEC;
import static dev.detsim.abi.OpenFlags.O_NONBLOCK;

import dev.detsim.sandbox.os.Posix;
import dev.detsim.sandbox.syscall.Syscall;
import java.io.ByteArrayOutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The program's stdin when record and replay keep when its bytes came: a pipe of detsim's own put in place of
 * detsim's stdin before the program starts (the program inherits its read end), into which detsim writes only
 * at its looks at the outside world. At record a thread reads detsim's real stdin as it comes; at replay the
 * recorded bytes are written at their recorded looks.
 */
public final class StdinPipe {
    private static final int F_DUPFD_CLOEXEC = 1030;
    private final Arena arena = Arena.ofShared();
    private final int writeEnd;
    private final String link;
    private final ConcurrentLinkedQueue<byte[]> arrived = new ConcurrentLinkedQueue<>();
    /** Record: every byte the real stdin gave, for the recording's stdin section (what the program never read too). */
    private final ByteArrayOutputStream received = new ByteArrayOutputStream();
    private volatile boolean sourceEnded;
    private byte[] unwritten = new byte[0];
    private boolean closed;

    private StdinPipe(int writeEnd, String link) {
        this.writeEnd = writeEnd;
        this.link = link;
    }

    /**
     * Puts a new pipe's read end at fd 0. record: a thread copies what comes on the old stdin into a queue that
     * {@link #moveArrived} empties; replay: the old stdin is closed (replay's own copy of the bytes is not used).
     */
    public static StdinPipe interpose(boolean record) {
        Posix posix = Posix.forCurrentThread();
        MemorySegment fds = Arena.global().allocate(8, 4);
        if (posix.call(Syscall.PIPE2, fds.address(), O_CLOEXEC) < 0) throw new IllegalStateException("pipe2 failed");
        int read = fds.get(ValueLayout.JAVA_INT, 0), write = fds.get(ValueLayout.JAVA_INT, 4);
        int source = (int) posix.call(Syscall.FCNTL, 0, F_DUPFD_CLOEXEC, 3);
        posix.call(Syscall.DUP3, read, 0, 0); // fd 0 without close-on-exec: the program inherits it
        posix.close(read);
        posix.call(Syscall.FCNTL, write, F_SETFL, posix.call(Syscall.FCNTL, write, F_GETFL) | O_NONBLOCK);
        String link;
        try {
            link = Files.readSymbolicLink(Path.of("/proc/self/fd/" + write)).toString();
        } catch (java.io.IOException e) {
            link = "";
        }
        StdinPipe p = new StdinPipe(write, link);
        if (record && source >= 0) {
            Thread.ofPlatform().daemon().name("detsim-stdin-reader").start(() -> p.copy(source));
        } else if (source >= 0) {
            posix.close(source);
        } else {
            p.sourceEnded = true; // no stdin at all: the program gets EOF, as from an empty one
        }
        return p;
    }

    private void copy(int source) {
        Posix posix = Posix.forCurrentThread();
        MemorySegment buffer = arena.allocate(1 << 16);
        for (long n; (n = posix.read(source, buffer, buffer.byteSize())) > 0 || n == -4; ) { // -EINTR: again
            if (n <= 0) continue;
            byte[] bytes = buffer.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE);
            synchronized (received) {
                received.writeBytes(bytes);
            }
            arrived.add(bytes);
        }
        posix.close(source);
        sourceEnded = true;
    }

    /**
     * Record: every byte the real stdin gave so far, after waiting at most millis for it to end (stdin at its end,
     * a file or /dev/null, is then read to the last byte even when the program read none of it).
     */
    public byte[] received(long millis) throws InterruptedException {
        long end = System.nanoTime() + millis * 1_000_000;
        while (!sourceEnded && System.nanoTime() < end) Thread.sleep(2);
        synchronized (received) {
            return received.toByteArray();
        }
    }

    /** What /proc names the pipe ("pipe:[N]"): a wait on it can end from outside while this may still write. */
    public String link() {
        return link;
    }

    /**
     * Whether news came that the next look lets in (record): bytes, or the EOF once all is in. Bytes left over
     * from a full pipe are not news: the program has yet to read what is there.
     */
    public boolean pending() {
        return !closed && (!arrived.isEmpty() || drained());
    }

    /** Whether this may still write or close (a reader of the pipe may still be woken). */
    public boolean open() {
        return !closed;
    }

    /** Record: writes what arrived into the pipe, as much as fits; returns the bytes written. */
    public byte[] moveArrived() {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        all.writeBytes(unwritten);
        for (byte[] b; (b = arrived.poll()) != null; ) all.writeBytes(b);
        byte[] bytes = all.toByteArray();
        int written = write(bytes);
        unwritten = java.util.Arrays.copyOfRange(bytes, written, bytes.length);
        return java.util.Arrays.copyOf(bytes, written);
    }

    /** Record: whether the real stdin ended and everything it gave is in the pipe (time to close it). */
    public boolean drained() {
        return sourceEnded && arrived.isEmpty() && unwritten.length == 0;
    }

    /** Replay: writes recorded bytes (record wrote them at this point, so they fit). */
    public void give(byte[] bytes) {
        write(bytes);
    }

    /** The EOF: closes the write end. */
    public void close() {
        if (closed) return;
        closed = true;
        Posix.forCurrentThread().close(writeEnd);
    }

    private int write(byte[] bytes) {
        if (bytes.length == 0 || closed) return 0;
        try (Arena a = Arena.ofConfined()) {
            MemorySegment m = a.allocate(bytes.length);
            MemorySegment.copy(bytes, 0, m, ValueLayout.JAVA_BYTE, 0, bytes.length);
            long r = Posix.forCurrentThread().call(Syscall.WRITE, writeEnd, m.address(), bytes.length);
            return r < 0 ? 0 : (int) r;
        }
    }
}
