package dev.detsim.recorder;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The event log's text format, version 1 (docs/EVENT-LOG.md):
 * <pre>
 * # detsim event log v1 &lt;run description&gt;
 * &lt;seq&gt; TAB &lt;thread&gt; TAB &lt;kind&gt; TAB &lt;detail&gt; TAB &lt;chain&gt;
 * </pre>
 * The canonical form that is hashed is the line without the chain column. Details never contain tabs or
 * newlines (they are escaped as \t and \n).
 */
public final class EventLogFormat {
    public static final int VERSION = 1;
    private static final String MAGIC = "# detsim event log v";

    private EventLogFormat() {}

    static String header(String runDescription) {
        return MAGIC + VERSION + " " + escape(runDescription == null ? "" : runDescription);
    }

    static String canonical(long seq, int thread, String kind, String detail) {
        return seq + "\t" + thread + "\t" + escape(kind) + "\t" + escape(detail);
    }

    /** A line of the file: the canonical form the chain hashes, then the chain value after it. */
    static String line(String canonical, String chain) {
        return canonical + "\t" + chain;
    }

    static String escape(String s) {
        return s.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n");
    }

    /** The text a field held before {@link #escape}: \\, \t and \n back to backslash, tab and newline. */
    public static String unescape(String s) {
        if (s.indexOf('\\') < 0) return s;
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length()) {
                char n = s.charAt(++i);
                b.append(n == 't' ? '\t' : n == 'n' ? '\n' : n);
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    /** A run's digest from its events: the last one's chain value, 64 zeros for none (as {@link EventLog#digest}). */
    public static String digestOf(List<Event> events) {
        return events.isEmpty() ? "0".repeat(64) : events.get(events.size() - 1).chain();
    }

    /** Reads a log written by {@link EventLog}; refuses other versions with a clear message. */
    public static List<Event> read(Path file) throws IOException {
        List<Event> events = new ArrayList<>();
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String header = r.readLine();
            if (header == null || !header.startsWith(MAGIC)) {
                throw new IOException(file + " is not a detsim event log");
            }
            String version = header.substring(MAGIC.length()).split(" ", 2)[0];
            if (!version.equals(Integer.toString(VERSION))) {
                throw new IOException(file + " is event log version " + version + "; this detsim reads version " + VERSION);
            }
            int lineNo = 1;
            for (String line; (line = r.readLine()) != null; ) {
                lineNo++;
                String[] f = line.split("\t", -1);
                if (f.length != 5) throw new IOException(file + ":" + lineNo + ": expected 5 tab-separated fields");
                events.add(new Event(Long.parseLong(f[0]), Integer.parseInt(f[1]), f[2], f[3], f[4]));
            }
        }
        return events;
    }
}
