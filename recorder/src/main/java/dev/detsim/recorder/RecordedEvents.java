package dev.detsim.recorder;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A recording's events section: the event log without its seq and chain columns — "thread TAB kind TAB
 * detail" a line, escaped as in the log. Both columns follow from the lines (seq counts them, the chain hashes
 * them), and a chain value is 32 bytes of noise to a compressor: without them a log compresses about 7 times
 * smaller. Reading recomputes the chain.
 */
public final class RecordedEvents {
    static final String HEADER = "# detsim recorded events v1";

    private RecordedEvents() {}

    /** Writes events whose details are escaped as in the log file (as {@link EventLogFormat#read} gives them). */
    public static void write(List<Event> events, OutputStream out) throws IOException {
        Writer w = new java.io.OutputStreamWriter(out, StandardCharsets.UTF_8);
        w.write(HEADER + "\n");
        for (Event e : events) w.write(e.thread() + "\t" + e.kind() + "\t" + e.detail() + "\n");
        w.flush();
    }

    /**
     * The events with their seq and chain values (recomputed by an {@link EventLog}, as the run computed them;
     * details stay escaped, as {@link EventLogFormat#read} gives them); IOException if the section is not one.
     */
    public static List<Event> read(InputStream in) throws IOException {
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        if (!HEADER.equals(r.readLine())) throw new IOException("not a recorded events section");
        EventLog chain = new EventLog();
        List<Event> events = new ArrayList<>();
        for (String line; (line = r.readLine()) != null; ) {
            String[] f = line.split("\t", -1);
            if (f.length != 3) throw new IOException("event " + events.size() + ": expected 3 tab-separated fields");
            int thread;
            try {
                thread = Integer.parseInt(f[0]);
            } catch (NumberFormatException e) {
                throw new IOException("event " + events.size() + ": bad thread number");
            }
            Event e = chain.append(thread, EventLogFormat.unescape(f[1]), EventLogFormat.unescape(f[2]));
            events.add(new Event(e.seq(), thread, f[1], f[2], e.chain()));
        }
        return events;
    }

    /**
     * The events without their chain values (null): for a reader that holds a run to events whose chain was
     * checked already ({@link ExpectedEvents#byLines}); IOException if the section is not one.
     */
    public static List<Event> readLines(InputStream in) throws IOException {
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        if (!HEADER.equals(r.readLine())) throw new IOException("not a recorded events section");
        List<Event> events = new ArrayList<>();
        for (String line; (line = r.readLine()) != null; ) {
            String[] f = line.split("\t", -1);
            if (f.length != 3) throw new IOException("event " + events.size() + ": expected 3 tab-separated fields");
            try {
                events.add(new Event(events.size(), Integer.parseInt(f[0]), f[1], f[2], null));
            } catch (NumberFormatException e) {
                throw new IOException("event " + events.size() + ": bad thread number");
            }
        }
        return events;
    }

    /** Writes events as an event log file (docs/EVENT-LOG.md), chains included. */
    public static void writeLog(List<Event> events, String runDescription, Writer out) throws IOException {
        out.write(EventLogFormat.header(runDescription) + "\n");
        for (Event e : events) {
            out.write(EventLogFormat.line(e.seq() + "\t" + e.thread() + "\t" + e.kind() + "\t" + e.detail(), e.chain()));
            out.write('\n');
        }
        out.flush();
    }
}
