package dev.detsim.recorder;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * One thing that came from an outside peer of a recorded run, and when the run first could see it (the
 * "outside" section, docs/RECORDING.md): a client connected to one of its TCP listeners, bytes arrived on
 * such a connection, the client shut its writing half (EOF), or a termination signal sent to detsim was let in
 * to the program. Replay's stand-in peer makes each happen at the same point.
 *
 * <p>The point is (events, look): the number of events logged so far, and which of detsim's looks at the
 * outside world since that event's count was reached (0 first) — detsim looks before each syscall a handler
 * decides and before each choice of the next thread; see docs/RECORDING.md.
 *
 * @param events events logged before the look that first saw it
 * @param look the look's number among those made at that event count
 * @param kind what came
 * @param connection the connection's number: the order of its {@code connect} line (0 first); for SIGNAL, the
 *     signal's number
 * @param listener for CONNECT: the address the run listened on ("127.0.0.1:2379"); for DIAL: the outside
 *     server's address; else null
 * @param peer for CONNECT: the client's address; for DIAL: the program's end; else null
 * @param bytes for DATA: the bytes, in arrival order; else null
 */
public record OutsideArrival(long events, int look, Kind kind, int connection, String listener, String peer,
                             byte[] bytes) {
    /** The section's first line. */
    public static final String HEADER = "# detsim recorded outside input v1";

    public enum Kind {
        CONNECT, DATA, EOF, SIGNAL, STDIN, STDIN_EOF,
        /** The program connected to a TCP server outside the run (the server's bytes then come as DATA). */
        DIAL,
        /** A UDP socket of the program, bound at an address, is watched from here on (numbered apart). */
        UDP,
        /** A datagram from outside the run on one of those sockets, with its source address. */
        DATAGRAM;

        String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public static OutsideArrival connect(long events, int look, int connection, String listener, String peer) {
        return new OutsideArrival(events, look, Kind.CONNECT, connection, listener, peer, null);
    }

    /** The program connected from client (its end) to the outside TCP server at server. */
    public static OutsideArrival dial(long events, int look, int connection, String server, String client) {
        return new OutsideArrival(events, look, Kind.DIAL, connection, server, client, null);
    }

    /** Whether this opens connection number {@link #connection} (an outside client's, or the program's own). */
    public boolean opensConnection() {
        return kind == Kind.CONNECT || kind == Kind.DIAL;
    }

    /** The program's UDP socket number socket, bound at local, is watched from this look. */
    public static OutsideArrival udp(long events, int look, int socket, String local) {
        return new OutsideArrival(events, look, Kind.UDP, socket, local, null, null);
    }

    /** A datagram from source arrived on the program's UDP socket number socket. */
    public static OutsideArrival datagram(long events, int look, int socket, String source, byte[] bytes) {
        return new OutsideArrival(events, look, Kind.DATAGRAM, socket, source, null, bytes);
    }

    public static OutsideArrival data(long events, int look, int connection, byte[] bytes) {
        return new OutsideArrival(events, look, Kind.DATA, connection, null, null, bytes);
    }

    public static OutsideArrival eof(long events, int look, int connection) {
        return new OutsideArrival(events, look, Kind.EOF, connection, null, null, null);
    }

    /** Bytes that came on detsim's stdin, let into the program's stdin pipe at this look. */
    public static OutsideArrival stdin(long events, int look, byte[] bytes) {
        return new OutsideArrival(events, look, Kind.STDIN, 0, null, null, bytes);
    }

    /** detsim's stdin ended: the program's stdin pipe was closed at this look. */
    public static OutsideArrival stdinEof(long events, int look) {
        return new OutsideArrival(events, look, Kind.STDIN_EOF, 0, null, null, null);
    }

    public static OutsideArrival signal(long events, int look, int signal) {
        return new OutsideArrival(events, look, Kind.SIGNAL, signal, null, null, null);
    }

    /** Whether the arrivals hold stdin's bytes and EOF (then replay gives stdin at their looks). */
    public static boolean keepsStdin(List<OutsideArrival> arrivals) {
        for (OutsideArrival a : arrivals) if (a.kind == Kind.STDIN || a.kind == Kind.STDIN_EOF) return true;
        return false;
    }

    /** Whether this comes at or before the look (events, look). */
    public boolean dueBy(long atEvents, int atLook) {
        return events < atEvents || events == atEvents && look <= atLook;
    }

    /**
     * "kind TAB events.look TAB connection" (signal: the signal's number), then the listener and peer (connect) or
     * the bytes in base64 (data).
     */
    public String line() {
        StringBuilder b = new StringBuilder(kind.label()).append('\t').append(events).append('.').append(look)
                .append('\t').append(connection);
        switch (kind) {
            case CONNECT, DIAL -> b.append('\t').append(listener).append('\t').append(peer);
            case DATA, STDIN -> b.append('\t').append(Base64.getEncoder().encodeToString(bytes));
            case EOF, SIGNAL, STDIN_EOF -> {}
            case UDP -> b.append('\t').append(listener);
            case DATAGRAM -> b.append('\t').append(listener).append('\t').append(Base64.getEncoder().encodeToString(bytes));
        }
        return b.toString();
    }

    static OutsideArrival parse(String line) {
        String[] f = line.split("\t", -1);
        if (f.length < 3) throw new IllegalArgumentException("expected at least 3 tab-separated fields");
        int dot = f[1].indexOf('.');
        if (dot < 1) throw new IllegalArgumentException("bad point '" + f[1] + "' (expected EVENTS.LOOK)");
        long events = Long.parseLong(f[1].substring(0, dot));
        int look = Integer.parseInt(f[1].substring(dot + 1));
        int connection = Integer.parseInt(f[2]);
        if (events < 0 || look < 0 || connection < 0) throw new IllegalArgumentException("negative number");
        return switch (f[0]) {
            case "connect" -> {
                if (f.length != 5 || !isAddress(f[3]) || !isAddress(f[4])) {
                    throw new IllegalArgumentException("connect needs a listener and a peer address (ip:port)");
                }
                yield connect(events, look, connection, f[3], f[4]);
            }
            case "dial" -> {
                if (f.length != 5 || !isAddress(f[3]) || !isAddress(f[4])) {
                    throw new IllegalArgumentException("dial needs a server and a client address (ip:port, unix:PATH)");
                }
                yield dial(events, look, connection, f[3], f[4]);
            }
            case "udp" -> {
                if (f.length != 4 || !isAddress(f[3]) || f[3].startsWith("unix:")) {
                    throw new IllegalArgumentException("udp needs the socket's address (ip:port)");
                }
                yield udp(events, look, connection, f[3]);
            }
            case "datagram" -> {
                if (f.length != 5 || !isAddress(f[3]) || f[3].startsWith("unix:")) {
                    throw new IllegalArgumentException("datagram needs a source address (ip:port) and its bytes");
                }
                yield datagram(events, look, connection, f[3], Base64.getDecoder().decode(f[4]));
            }
            case "data" -> {
                if (f.length != 4 || f[3].isEmpty()) throw new IllegalArgumentException("data needs its bytes");
                yield data(events, look, connection, Base64.getDecoder().decode(f[3]));
            }
            case "eof" -> {
                if (f.length != 3) throw new IllegalArgumentException("eof has 3 fields");
                yield eof(events, look, connection);
            }
            case "stdin" -> {
                if (f.length != 4 || f[3].isEmpty() || connection != 0) throw new IllegalArgumentException("bad stdin line");
                yield stdin(events, look, Base64.getDecoder().decode(f[3]));
            }
            case "stdin_eof" -> {
                if (f.length != 3 || connection != 0) throw new IllegalArgumentException("bad stdin_eof line");
                yield stdinEof(events, look);
            }
            case "signal" -> {
                if (f.length != 3 || connection < 1 || connection > 64) throw new IllegalArgumentException("bad signal line");
                yield signal(events, look, connection);
            }
            default -> throw new IllegalArgumentException("unknown kind '" + f[0] + "'");
        };
    }

    private static boolean isAddress(String a) {
        if (a.startsWith("unix:")) return true; // a unix socket's path; "unix:" alone: unnamed
        int colon = a.lastIndexOf(':');
        if (colon < 1) return false;
        try {
            int port = Integer.parseInt(a.substring(colon + 1));
            return port >= 0 && port < 65536;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** The section's text: the header, then a line each. */
    public static String write(List<OutsideArrival> arrivals) {
        StringBuilder b = new StringBuilder(HEADER).append('\n');
        for (OutsideArrival a : arrivals) b.append(a.line()).append('\n');
        return b.toString();
    }

    /**
     * Reads a section's text; one line says what is wrong: a bad line, points out of order, a connection used
     * before its connect line, a connect whose number is not the next.
     */
    public static List<OutsideArrival> read(InputStream in) throws IOException {
        List<OutsideArrival> all = new ArrayList<>();
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        if (!HEADER.equals(r.readLine())) throw new IOException("does not begin with '" + HEADER + "'");
        int n = 1, connections = 0, udpSockets = 0;
        for (String line; (line = r.readLine()) != null; ) {
            n++;
            try {
                OutsideArrival a = parse(line);
                if (!all.isEmpty() && !all.get(all.size() - 1).dueBy(a.events, a.look)) {
                    throw new IllegalArgumentException("points out of order");
                }
                if (a.kind == Kind.UDP) {
                    if (a.connection != udpSockets) throw new IllegalArgumentException("udp socket " + a.connection
                            + " where " + udpSockets + " comes next");
                    udpSockets++;
                } else if (a.kind == Kind.DATAGRAM && a.connection >= udpSockets) {
                    throw new IllegalArgumentException("udp socket " + a.connection + " before its udp line");
                } else if (a.opensConnection()) {
                    if (a.connection != connections) throw new IllegalArgumentException("connection " + a.connection
                            + " where " + connections + " comes next");
                    connections++;
                } else if ((a.kind == Kind.DATA || a.kind == Kind.EOF) && a.connection >= connections) {
                    throw new IllegalArgumentException("connection " + a.connection + " before its connect (or dial) line");
                }
                all.add(a);
            } catch (RuntimeException e) {
                throw new IOException("line " + n + ": " + e.getMessage());
            }
        }
        return all;
    }

    /** Bytes of outside input the arrivals hold (what the issue bounds a recording's size by). */
    public static long inputBytes(List<OutsideArrival> arrivals) {
        long n = 0;
        for (OutsideArrival a : arrivals) if (a.bytes != null) n += a.bytes.length; // connections' and stdin's
        return n;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof OutsideArrival a && a.line().equals(line());
    }

    @Override
    public int hashCode() {
        return line().hashCode();
    }

    @Override
    public String toString() {
        return line();
    }
}
