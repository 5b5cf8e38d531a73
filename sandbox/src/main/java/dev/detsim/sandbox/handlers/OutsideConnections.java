package dev.detsim.sandbox.handlers;

import static dev.detsim.abi.Poll.POLLIN;
import static dev.detsim.abi.Sockets.POLLRDHUP;

import dev.detsim.recorder.OutsideArrival;
import dev.detsim.sandbox.api.Descriptors;
import dev.detsim.sandbox.world.OutsideSockets;
import dev.detsim.sandbox.world.StandInPeer;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The run's TCP listeners and the connections outside clients made to them or the program made to outside
 * servers, with detsim's copies of their
 * descriptors, the program's stdin pipe and the signals held for it: at record, what each look saw arrive (or
 * let in); at replay, the stand-in peers (clients, and servers listening at the recorded server addresses), stdin writes and
 * signals that make it arrive.
 */
final class OutsideConnections {
    /** How long replay waits for the kernel to move a stand-in's bytes to the program's socket (loopback). */
    private static final long ARRIVAL_WAIT_NANOS = 5_000_000_000L;

    private final OutsideSockets sockets;
    private final PrintStream warnings;
    private final List<OutsideListener> listeners = new ArrayList<>();
    private final List<OutsideConnection> live = new ArrayList<>();
    /** Record: what the looks saw arrive. */
    private final OutsideEntries entries = new OutsideEntries();
    /** Replay: the recorded arrivals, the next to give, and the connections by recorded number. */
    private final List<OutsideArrival> toGive;
    private int next;
    private final List<OutsideConnection> byNumber = new ArrayList<>();
    /** The servers the program connects to: which are outside, and replay's stand-ins for them. */
    private final OutsideServers servers = new OutsideServers();
    /** The program's first process (host pid), where signals from outside go; and those held (record). */
    int rootPid;
    private static final java.lang.invoke.VarHandle HELD = java.lang.foreign.ValueLayout.JAVA_LONG.varHandle();
    private java.lang.foreign.MemorySegment held;

    /** The program's UDP sockets and the datagrams from outside. */
    final OutsideDatagrams datagrams;

    OutsideConnections(OutsideSockets sockets, List<OutsideArrival> toGive, PrintStream warnings) {
        this.sockets = sockets;
        this.datagrams = new OutsideDatagrams(sockets, (events, look, kind, socket, address, bytes) ->
                entries.add(events, look, kind, null, address, null, bytes, socket), toGive != null);
        this.toGive = toGive;
        this.warnings = warnings;
        if (toGive != null) {
            for (OutsideArrival a : toGive) {
                if (!a.opensConnection()) continue;
                OutsideConnection c = new OutsideConnection();
                byNumber.add(c);
                if (a.kind() == OutsideArrival.Kind.DIAL) servers.toDial(c, a.listener());
            }
        }
    }

    /** Replay: listens at each outside server's recorded address, before the program can connect there. */
    void standInForServers() throws IOException {
        servers.listen();
    }

    /**
     * The program's connect(2) of fd to server succeeded or is under way (EINPROGRESS), at the look events.look:
     * a TCP server outside the run is kept (record) or given by its stand-in (replay).
     */
    void dialled(Descriptors d, int tgid, int fd, String server, long events, int look) {
        if (servers.inside(server, listeners)) return;
        int copy = d.copy(tgid, fd);
        if (copy < 0) return;
        OutsideConnection c = null;
        if (toGive == null) {
            String local = !sockets.isStream(d, copy) ? null
                    : server.startsWith("unix:") ? sockets.unixName(d, copy) : sockets.localAddress(d, copy);
            if (local != null) {
                c = new OutsideConnection();
                c.server = server;
                entries.add(events, look, OutsideArrival.Kind.DIAL, c, server, local, null);
            }
        } else if (sockets.isStream(d, copy)) {
            c = servers.nextDial(server);
        }
        if (c == null) {
            d.close(copy);
            return;
        }
        dialled = true;
        c.tgid = tgid;
        c.fd = fd;
        c.copy = copy;
        live.add(c);
    }

    /** A unix connect(2) of fd to server was decided: if the socket is now connected there, as {@link #dialled}. */
    void dialledIfConnected(Descriptors d, int tgid, int fd, String server, long events, int look) {
        int copy = d.copy(tgid, fd);
        if (copy < 0) return;
        boolean connected = server.equals(sockets.unixPeer(d, copy));
        d.close(copy);
        if (connected) dialled(d, tgid, fd, server, events, look);
    }

    /** Replay: the stand-in of the server the program connected to by c, accepted once the program connected. */
    private StandInPeer serverStandIn(Descriptors d, OutsideConnection c) throws IOException {
        if (c.standIn == null) c.standIn = servers.accept(d, sockets, c, ARRIVAL_WAIT_NANOS);
        return c.standIn;
    }

    /** listen(2) of fd in tgid succeeded: a TCP listener, or a unix one at a path (inode -1), to watch. */
    void listening(Descriptors d, int tgid, int fd) {
        int copy = d.copy(tgid, fd);
        if (copy < 0) return;
        String address = sockets.localAddress(d, copy);
        long inode = OutsideSockets.inode(d, copy);
        if (address == null || inode < 0) {
            String path = sockets.unixName(d, copy);
            if (path == null || path.equals("unix:")) { // abstract, say: not kept (docs/RECORDING.md)
                d.close(copy);
                return;
            }
            servers.unixListener(path); // a connection the program makes to it is inside the run
            address = path;
            inode = -1;
        }
        listeners.add(new OutsideListener(tgid, fd, copy, inode, address));
    }

    /** The program's stdin when its timing is kept (record: detsim's stdin is copied in at looks), or null. */
    dev.detsim.sandbox.world.StdinPipe stdin;

    /** Record: lets in what came on stdin since the last counted look, and its EOF once all is in. */
    void letStdinIn(long events, int look) {
        if (stdin == null || !stdin.open()) return;
        byte[] bytes = stdin.moveArrived();
        if (bytes.length > 0) entries.add(events, look, OutsideArrival.Kind.STDIN, null, null, null, bytes);
        if (stdin.drained()) {
            stdin.close();
            entries.add(events, look, OutsideArrival.Kind.STDIN_EOF, null, null, null, null);
        }
    }

    /** Traced processes that connected somewhere: where a client inside the run can be. */
    private final java.util.Set<Integer> connectors = new java.util.LinkedHashSet<>();

    void connecting(int tgid) {
        connectors.add(tgid);
    }

    /** The watched listener behind fd of tgid, or null. */
    OutsideListener listener(Descriptors d, int tgid, int fd) {
        for (OutsideListener l : listeners) if (l.tgid == tgid && l.fd == fd && sockets.sameFile(d, tgid, fd, l.copy)) return l;
        return null;
    }

    /** The outside connection behind fd of tgid, or null. */
    OutsideConnection connection(Descriptors d, int tgid, int fd) {
        for (OutsideConnection c : live) if (c.tgid == tgid && c.fd == fd && sockets.sameFile(d, tgid, fd, c.copy)) return c;
        return null;
    }

    /** The program accepted fd from listener l (at the look events.look): is its client outside? */
    void accepted(Descriptors d, OutsideListener l, int tgid, int fd, long events, int look) {
        l.accepted++;
        long[] seen = l.seenAt.poll();
        int copy = d.copy(tgid, fd);
        if (copy < 0) return;
        boolean unix = l.inode < 0;
        String peer = unix ? sockets.unixPeer(d, copy) : sockets.peerAddress(d, copy);
        String local = unix ? l.address : sockets.localAddress(d, copy);
        OutsideConnection c = null;
        if (toGive == null) {
            boolean inside = unix ? sockets.unixPeerInside(d, copy, rootPid) : OutsideSockets.peerInside(local, peer, connectors);
            if (peer != null && local != null && !inside) {
                c = new OutsideConnection();
                c.peer = peer;
                long[] at = seen != null ? seen : new long[] {events, look};
                entries.add(at[0], (int) at[1], OutsideArrival.Kind.CONNECT, c, l.address, peer, null);
            }
        } else if (!unix || !sockets.unixPeerInside(d, copy, rootPid)) { // unix: unnamed clients look alike
            for (OutsideConnection s : byNumber) {
                if (s.copy == -1 && s.standIn != null && s.standIn.address().equals(peer)) {
                    c = s;
                    break;
                }
            }
        }
        if (c == null) {
            d.close(copy);
            return;
        }
        c.tgid = tgid;
        c.fd = fd;
        c.copy = copy;
        live.add(c);
    }

    /** Reads up to n of c's bytes for the program (they are there: a look saw them), counting them as read. */
    byte[] take(Descriptors d, OutsideConnection c, int n) {
        byte[] bytes = sockets.receive(d, c.copy, n);
        c.consumed(bytes.length);
        return bytes;
    }

    /** Whether any listener or connection to an outside server is watched (else a look has nothing to see). */
    boolean watching() {
        return !listeners.isEmpty() || dialled || datagrams.watching();
    }

    /** Whether the program connected to an outside server (sticky: record and replay register exits alike). */
    private boolean dialled;

    // ---- record ------------------------------------------------------------------------------------

    /** Connections waiting in TCP listener l's accept queue. */
    private int acceptQueue(Descriptors d, OutsideListener l) {
        int n = sockets.acceptQueue(d, l.copy);
        return n >= 0 ? n : OutsideSockets.acceptQueue(l.inode);
    }

    /** Record: what arrived since the last look, tied to this one. */
    void see(Descriptors d, long events, int look) {
        for (OutsideListener l : listeners) {
            if ((sockets.revents(d, l.copy, POLLIN) & POLLIN) == 0) continue;
            int waiting = l.inode < 0 ? 1 : acceptQueue(d, l); // unix: one at a time
            while (l.seenAt.size() < waiting) l.seenAt.add(new long[] {events, look});
        }
        release(d);
        datagrams.see(d, events, look, rootPid);
        for (OutsideConnection c : live) {
            long queued = sockets.queued(d, c.copy);
            if (queued > c.unread()) {
                byte[] all = sockets.peek(d, c.copy, (int) queued);
                int fresh = (int) (all.length - c.unread());
                if (fresh > 0) {
                    byte[] bytes = java.util.Arrays.copyOfRange(all, all.length - fresh, all.length);
                    entries.add(events, look, OutsideArrival.Kind.DATA, c, null, null, bytes);
                    c.arrived += fresh;
                }
            }
            if (!c.eof && queued == c.unread() && (sockets.revents(d, c.copy, POLLRDHUP) & OutsidePeers.ENDED) != 0) {
                c.eof = true;
                entries.add(events, look, OutsideArrival.Kind.EOF, c, null, null, null);
            }
        }
    }

    /** Forgets the connections the program closed, and closes detsim's copies, so that their clients see it. */
    private void release(Descriptors d) {
        for (int i = 0; i < live.size(); i++) {
            OutsideConnection c = live.get(i);
            if (!sockets.sameFile(d, c.tgid, c.fd, c.copy)) {
                d.close(c.copy);
                c.copy = -2;
                live.remove(i--);
            }
        }
    }

    /** Record: termination signals sent to detsim wait for {@link #letSignalsIn} instead of going to the program. */
    void holdSignals() {
        held = dev.detsim.sandbox.os.LibDetsim.signalsHeld();
        dev.detsim.sandbox.os.LibDetsim.forwardSignals(0);
    }

    /** Record: sends the program the signals held since the last look between turns (lowest first); true if any. */
    boolean letSignalsIn(long events, int look) {
        if (held == null) return false;
        long set = (long) HELD.getAndSet(held, 0L, 0L);
        for (int s = 1; s < 64; s++) {
            if ((set & 1L << s) == 0) continue;
            dev.detsim.sandbox.os.Posix.forCurrentThread().kill(rootPid, s);
            entries.add(events, look, OutsideArrival.Kind.SIGNAL, null, null, null, null, s);
        }
        return set != 0;
    }

    /** Record: the arrivals in order of the looks that saw them, connections numbered in that order. */
    List<OutsideArrival> recorded() {
        return entries.recorded();
    }

    // ---- replay ------------------------------------------------------------------------------------

    boolean anyLeftToGive() {
        return toGive != null && next < toGive.size();
    }

    /** Replay: whether a socket can still get something: a recorded connect, bytes or EOF is left to give. */
    boolean anySocketInputLeft() {
        if (toGive == null) return false;
        for (int i = next; i < toGive.size(); i++) {
            OutsideArrival.Kind k = toGive.get(i).kind();
            if (k == OutsideArrival.Kind.CONNECT || k == OutsideArrival.Kind.DIAL || k == OutsideArrival.Kind.DATAGRAM
                    || k == OutsideArrival.Kind.DATA || k == OutsideArrival.Kind.EOF) return true;
        }
        return false;
    }

    /** Replay: gives every recorded arrival due by this look; true if one was a signal. */
    boolean giveDue(Descriptors d, long events, int look) {
        release(d);
        datagrams.see(d, events, look, rootPid); // inside senders' datagrams; strays are dropped
        boolean signalled = false;
        while (anyLeftToGive() && toGive.get(next).dueBy(events, look)) signalled |= give(d, toGive.get(next++));
        return signalled;
    }

    /** Replay: every thread waits on the outside: gives the next recorded look's arrivals now. */
    boolean giveNext(Descriptors d) {
        if (!anyLeftToGive()) return false;
        OutsideArrival first = toGive.get(next);
        while (anyLeftToGive() && toGive.get(next).dueBy(first.events(), first.look())) give(d, toGive.get(next++));
        return true;
    }

    /** Gives one recorded arrival; true if it was a signal. */
    private boolean give(Descriptors d, OutsideArrival a) {
        try {
            switch (a.kind()) {
                case SIGNAL -> {
                    dev.detsim.sandbox.os.Posix.forCurrentThread().kill(rootPid, a.connection());
                    return true;
                }
                case STDIN -> {
                    if (stdin != null) stdin.give(a.bytes());
                }
                case STDIN_EOF -> {
                    if (stdin != null) stdin.close();
                }
                case CONNECT -> {
                    OutsideListener l = null;
                    for (OutsideListener x : listeners) if (x.address.equals(a.listener())) l = x;
                    int before = l == null || l.inode < 0 ? 0 : acceptQueue(d, l);
                    OutsideConnection c = byNumber.get(a.connection());
                    c.peer = a.peer();
                    c.standIn = StandInPeer.connect(a.listener(), a.peer());
                    if (l != null) {
                        OutsideListener w = l;
                        awaitKernel(() -> w.inode < 0 ? (sockets.revents(d, w.copy, POLLIN) & POLLIN) != 0
                                : acceptQueue(d, w) > before);
                    }
                }
                case DIAL -> {} // the program connects; its stand-in server listens from the start
                case UDP, DATAGRAM -> datagrams.give(d, a, ARRIVAL_WAIT_NANOS);
                case DATA -> {
                    OutsideConnection c = byNumber.get(a.connection());
                    (c.server != null ? serverStandIn(d, c) : c.standIn).send(a.bytes());
                    c.arrived += a.bytes().length;
                    if (c.copy >= 0) awaitKernel(() -> sockets.queued(d, c.copy) >= c.unread());
                }
                case EOF -> {
                    OutsideConnection c = byNumber.get(a.connection());
                    (c.server != null ? serverStandIn(d, c) : c.standIn).shutdownOutput();
                    c.eof = true;
                    if (c.copy >= 0) awaitKernel(() -> (sockets.revents(d, c.copy, POLLRDHUP) & POLLRDHUP) != 0);
                }
            }
        } catch (IOException | RuntimeException e) {
            warnings.println("detsim: replay: the stand-in for an outside client could not give '" + a.line()
                    .substring(0, Math.min(60, a.line().length())) + "': " + e.getMessage());
        }
        return false;
    }

    /** Waits (host time, bounded) until the kernel has moved what a stand-in sent to the program's socket. */
    private static void awaitKernel(java.util.function.BooleanSupplier arrived) {
        long deadline = System.nanoTime() + ARRIVAL_WAIT_NANOS;
        for (int spins = 0; !arrived.getAsBoolean() && System.nanoTime() < deadline; spins++) {
            if (spins < 1000) Thread.onSpinWait();
            else java.util.concurrent.locks.LockSupport.parkNanos(50_000);
        }
    }

    void close() {
        for (OutsideConnection c : byNumber) if (c.standIn != null) c.standIn.close();
        servers.close();
        datagrams.close();
        live.clear(); // detsim's copies close with the run's process
    }
}
