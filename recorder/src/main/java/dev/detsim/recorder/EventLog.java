package dev.detsim.recorder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The run's event log: every event extends a SHA-256 chain, chain(i) = SHA-256(chain(i-1) || line(i)),
 * starting from 32 zero bytes, so the final digest names the whole sequence. Optionally every event is
 * also written as a line of the versioned text format (see docs/EVENT-LOG.md and {@link EventLogFormat}).
 */
public final class EventLog {
    private final MessageDigest sha256;
    private final Writer out;
    private byte[] chain = new byte[32];
    private long count;

    /** A log that only digests. */
    public EventLog() {
        this(null, null);
    }

    /** A log that digests and writes events to out, after a header naming the run. */
    public EventLog(Writer out, String runDescription) {
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        this.out = out;
        if (out != null) write(EventLogFormat.header(runDescription));
    }

    /** Appends an event; returns it with its chain value. */
    public Event append(int thread, String kind, String detail) {
        record(thread, kind, detail);
        return new Event(count - 1, thread, kind, detail, digest());
    }

    /**
     * Appends an event without making an {@link Event} of it: the tracer's way, at every stop (the chain value
     * is spelled out in hex only when the log is written to a file).
     */
    public void record(int thread, String kind, String detail) {
        String line = EventLogFormat.canonical(count, thread, kind, detail);
        sha256.update(chain);
        chain = sha256.digest(line.getBytes(StandardCharsets.UTF_8));
        count++;
        if (out != null) write(EventLogFormat.line(line, digest()));
    }

    /** The chain value after the last event (32 zero bytes, hex, before any). */
    public String digest() {
        return HexFormat.of().formatHex(chain);
    }

    public long count() {
        return count;
    }

    public void flush() {
        if (out == null) return;
        try {
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void write(String line) {
        try {
            out.write(line);
            out.write('\n');
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
