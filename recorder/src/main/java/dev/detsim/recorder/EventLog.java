package dev.detsim.recorder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.security.DigestException;
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
    private final byte[] chain = new byte[32];
    private final EventLine line = new EventLine();
    private EventCheck check;
    private EventsSection section;
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

    /** Hands every event from now on to check (replay's), which may end the run by throwing. */
    public void checkWith(EventCheck check) {
        this.check = check;
    }

    /** Copies every event from now on into a recording's events section as it is appended (record's). */
    public void copyTo(EventsSection section) {
        section.use();
        this.section = section;
    }

    /** The run is over: the check, if any, sees how many events it had. */
    public void finish() {
        if (check != null) check.ended(count);
    }

    /** Appends an event; returns it with its chain value. */
    public Event append(int thread, String kind, String detail) {
        record(thread, kind, detail);
        return new Event(count - 1, thread, kind, detail, digest());
    }

    /**
     * Appends an event without making an {@link Event} of it (the chain value is spelled out in hex only when
     * the log is written to a file).
     */
    public void record(int thread, String kind, String detail) {
        begin(thread, kind).text(detail);
        end();
    }

    /** {@link #record(int, String, String)} of one of the tracer's kinds. */
    public void record(int thread, EventKind kind, String detail) {
        record(thread, kind.label(), detail);
    }

    /** {@link #begin(int, String)} of one of the tracer's kinds. */
    public EventLine begin(int thread, EventKind kind) {
        return begin(thread, kind.label());
    }

    /**
     * Starts an event whose detail the caller then writes into the returned line, and ends with {@link #end}:
     * the tracer's way at every stop, with no String made. One event at a time.
     */
    public EventLine begin(int thread, String kind) {
        line.clear();
        return line.decimal(count).put('\t').decimal(thread).put('\t').text(kind).put('\t');
    }

    /** Extends the chain with the line {@link #begin} started, and writes it out if the log has a file. */
    public void end() {
        sha256.update(chain);
        sha256.update(line.bytes(), 0, line.length());
        try {
            sha256.digest(chain, 0, chain.length);
        } catch (DigestException e) {
            throw new IllegalStateException(e);
        }
        if (out != null) write(EventLogFormat.line(line.toString(), digest()));
        if (section != null) section.add(line.bytes(), line.length(), chain);
        if (check != null) check.appended(count, chain, line);
        count++;
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
