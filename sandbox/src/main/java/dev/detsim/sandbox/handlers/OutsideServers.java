package dev.detsim.sandbox.handlers;

import dev.detsim.sandbox.api.Descriptors;
import dev.detsim.sandbox.world.OutsideSockets;
import dev.detsim.sandbox.world.StandInPeer;
import dev.detsim.sandbox.world.StandInServer;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The stream servers the program connects to: whether one is the run's own (a listener of a traced process) or
 * outside it; at replay, detsim listening at each recorded outside server's address (TCP, or a unix socket's
 * path), and the recorded connections to them in the order the program is to make them.
 */
final class OutsideServers {
    private final Set<String> unixListeners = new HashSet<>();
    private final ArrayDeque<OutsideConnection> dials = new ArrayDeque<>();
    private final Map<String, StandInServer> standIns = new HashMap<>();

    /** A unix socket of the run listens at path ("unix:PATH"). */
    void unixListener(String path) {
        unixListeners.add(path);
    }

    /** Whether server ("ip:port", "unix:PATH") is one of the run's own listeners (at its address, or a wildcard). */
    boolean inside(String server, List<OutsideListener> listeners) {
        if (server.startsWith("unix:")) return unixListeners.contains(server);
        String port = server.substring(server.lastIndexOf(':'));
        for (OutsideListener l : listeners) {
            if (l.inode < 0) continue; // a unix listener
            String host = l.address.substring(0, l.address.lastIndexOf(':'));
            if (l.address.endsWith(port) && (l.address.equals(server) || host.equals("0.0.0.0")
                    || host.equals("[0:0:0:0:0:0:0:0]"))) return true;
        }
        return false;
    }

    /** Replay: c is a recorded connection the program made to server, next in order. */
    void toDial(OutsideConnection c, String server) {
        c.server = server;
        dials.add(c);
    }

    /** Replay: listens at each recorded server's address, before the program can connect there. */
    void listen() throws IOException {
        for (OutsideConnection c : dials) {
            if (!standIns.containsKey(c.server)) standIns.put(c.server, StandInServer.listen(c.server));
        }
    }

    /** Replay: the recorded connection the program's connect to server is, or null (not the next one recorded). */
    OutsideConnection nextDial(String server) {
        return !dials.isEmpty() && dials.peek().server.equals(server) ? dials.poll() : null;
    }

    /** Replay: the stand-in's end of c, the program's connection to a recorded server, once it came. */
    StandInPeer accept(Descriptors d, OutsideSockets sockets, OutsideConnection c, long waitNanos)
            throws IOException {
        if (c.copy < 0) throw new IOException("the program has not connected to " + c.server);
        String local = c.server.startsWith("unix:") ? sockets.unixName(d, c.copy) : sockets.localAddress(d, c.copy);
        if (local == null) throw new IOException("the program's connection to " + c.server + " has no address");
        return standIns.get(c.server).accept(local, waitNanos);
    }

    void close() {
        for (StandInServer s : standIns.values()) s.close();
    }
}
