package dev.detsim.recorder;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.zip.GZIPOutputStream;

/**
 * A recording's events section written while the run goes, so that record has next to nothing left to do when the
 * run ends: the {@link EventLog} hands over each event's canonical line, whose part after the seq column is the
 * section's line ({@link RecordedEvents}); full buffers of such lines are compressed and hashed on a thread of
 * this section's own, away from the tracer's. It also keeps what record needs of the events without reading them
 * back: how many there were, the last chain value (the run's digest) and the details of the exec events (the
 * programs the run executed, escaped as in the log).
 */
public final class EventsSection {
    private static final int CHUNK = 1 << 16;
    private static final byte[] EXEC = ("\t" + EventKind.EXEC.label() + "\t").getBytes(StandardCharsets.UTF_8);

    /** A buffer of whole lines; one of length -1 ends the section. */
    private record Chunk(byte[] bytes, int length) {}

    private final Path file;
    private final MessageDigest sha;
    private final LinkedBlockingQueue<Chunk> full = new LinkedBlockingQueue<>();
    private final Thread compressor;
    private final List<String> execs = new ArrayList<>(); // the compressor's until it ends
    private final byte[] chain = new byte[32];
    private byte[] buffer = new byte[CHUNK];
    private int length;
    private long count;
    private long bytes;
    private boolean used;
    private IOException failed;

    /** Starts the section in recording directory dir (its file events.gz) and the thread that compresses it. */
    public EventsSection(Path dir) throws IOException {
        file = dir.resolve("events.gz");
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        OutputStream out = new GZIPOutputStream(new DigestOutputStream(Files.newOutputStream(file), sha), CHUNK);
        compressor = Thread.ofPlatform().daemon().name("detsim-events").start(() -> compress(out));
        byte[] header = (RecordedEvents.HEADER + "\n").getBytes(StandardCharsets.UTF_8);
        System.arraycopy(header, 0, buffer, 0, header.length);
        length = header.length;
    }

    /** The log took this section (the run got as far as starting its log); no run, no section. */
    void use() {
        used = true;
    }

    public boolean used() {
        return used;
    }

    /** An event's canonical line (seq TAB thread TAB kind TAB detail) and its chain value: on the tracer's thread. */
    void add(byte[] line, int n, byte[] chainValue) {
        int from = 0;
        while (line[from] != '\t') from++;
        from++; // past the seq column
        int size = n - from + 1;
        if (length + size > buffer.length) {
            hand();
            if (size > buffer.length) buffer = new byte[size];
        }
        System.arraycopy(line, from, buffer, length, n - from);
        buffer[length + size - 1] = '\n';
        length += size;
        System.arraycopy(chainValue, 0, chain, 0, chain.length);
        count++;
    }

    private void hand() {
        if (length == 0) return;
        full.add(new Chunk(buffer, length));
        buffer = new byte[CHUNK];
        length = 0;
    }

    private void compress(OutputStream out) {
        try (out) {
            for (Chunk c; (c = full.take()).length() >= 0; ) {
                out.write(c.bytes(), 0, c.length());
                bytes += c.length();
                noteExecs(c);
            }
        } catch (IOException e) {
            failed = e;
        } catch (InterruptedException e) {
            failed = new IOException("interrupted");
        }
    }

    /** The details of the exec events in a chunk: lines "thread TAB exec TAB detail". */
    private void noteExecs(Chunk c) {
        byte[] b = c.bytes();
        for (int start = 0; start < c.length(); ) {
            int end = start;
            while (b[end] != '\n') end++;
            int tab = start;
            while (tab < end && b[tab] != '\t') tab++;
            if (java.util.Arrays.equals(b, tab, Math.min(tab + EXEC.length, end), EXEC, 0, EXEC.length)) {
                int from = tab + EXEC.length;
                execs.add(new String(b, from, end - from, StandardCharsets.UTF_8));
            }
            start = end + 1;
        }
    }

    /** The run is over: compresses what is left and returns the section's manifest entry. */
    public Manifest.Section finish() throws IOException, InterruptedException {
        hand();
        full.add(new Chunk(null, -1));
        compressor.join();
        if (failed != null) throw failed;
        return new Manifest.Section(file.getFileName().toString(), bytes, HexFormat.of().formatHex(sha.digest()));
    }

    /** How many events the run had. */
    public long count() {
        return count;
    }

    /** The run's digest: the last event's chain value (64 zeros for none, as {@link EventLog#digest}). */
    public String digest() {
        return HexFormat.of().formatHex(chain);
    }

    /** The details of the run's exec events, escaped as in the log, in order (after {@link #finish}). */
    public List<String> execDetails() {
        return execs;
    }
}
