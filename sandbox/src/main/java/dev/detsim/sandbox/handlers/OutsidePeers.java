package dev.detsim.sandbox.handlers;

import static dev.detsim.abi.Poll.POLLERR;
import static dev.detsim.abi.Poll.POLLHUP;
import static dev.detsim.abi.Poll.POLLIN;
import static dev.detsim.abi.Sockets.MSG_DONTWAIT;
import static dev.detsim.abi.Sockets.POLLRDHUP;

import dev.detsim.abi.Errno;
import dev.detsim.abi.OpenFlags;
import dev.detsim.recorder.OutsideArrival;
import dev.detsim.sandbox.api.Descriptors;
import dev.detsim.sandbox.api.Disposition;
import dev.detsim.sandbox.api.OutsideWatch;
import dev.detsim.sandbox.api.SyscallHandler;
import dev.detsim.sandbox.api.SyscallStop;
import dev.detsim.sandbox.syscall.Syscall;
import dev.detsim.sandbox.world.OutsideSockets;
import dev.detsim.scheduler.Deadline;
import dev.detsim.scheduler.WaitCondition;
import dev.detsim.scheduler.WakeUp;
import java.io.PrintStream;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Input from outside the run: TCP clients of its listeners, TCP servers it connects to, stdin, and termination signals sent to detsim
 * (docs/RECORDING.md, "Outside peers"). Record: at each of detsim's looks at the world ({@link OutsideWatch}),
 * notes what arrived since the last look — a connection in a listener's accept queue, bytes on an accepted
 * connection whose client is not traced, its EOF — tied to that look, and lets stdin's pieces and held signals
 * in at looks of its own choosing; replay: a stand-in peer ({@link OutsideConnections}) makes the same things
 * arrive at the same looks.
 *
 * <p>Reads on such a connection see exactly what the last look saw: detsim reads for the program (from its
 * copy of the descriptor) at most the bytes that had arrived then (a socket may always return fewer) and writes
 * them into it, so that the event log holds their digest and replay checks them; an empty non-blocking read
 * fails with EAGAIN, an empty blocking one waits in detsim. A readiness call (poll, select, epoll) that
 * reported something may have seen bytes that came while the kernel ran it, and a handler's own readiness
 * check may see bytes that came after the look before it: at record, those are tied to the last look before
 * the check or the call, so that replay gives them before it.
 *
 * <p>listen(2) always stops (in a plain run too, so that record's events are run's): a listener is known from
 * the start, before a client can be in its queue.
 */
public final class OutsidePeers implements SyscallHandler, OutsideWatch {
    /** What the run does with outside peers. */
    public enum Mode { OFF, RECORD, REPLAY }

    private final Mode mode;
    private final OutsideConnections connections;
    private long lookEvents = -1;
    private int look;
    /** A connect(2) just decided (tgid, fd, address) that the kernel did not run: at the next look, its outcome. */
    private Object[] connecting;

    private OutsidePeers(Mode mode, OutsideConnections connections) {
        this.mode = mode;
        this.connections = connections;
    }

    /** A plain run: listen stops (as in record), nothing is kept. */
    public static OutsidePeers off() {
        return new OutsidePeers(Mode.OFF, null);
    }

    /** record: keeps what outside clients sent ({@link #arrivals} after the run). */
    public static OutsidePeers recording(PrintStream warnings) {
        return new OutsidePeers(Mode.RECORD, new OutsideConnections(new OutsideSockets(), null, warnings));
    }

    /**
     * replay: plays the recorded clients, and listens at the recorded outside servers' addresses (the
     * IOException says which cannot be had).
     */
    public static OutsidePeers replaying(List<OutsideArrival> recorded, PrintStream warnings) throws java.io.IOException {
        OutsideConnections c = new OutsideConnections(new OutsideSockets(), recorded, warnings);
        try {
            c.standInForServers();
        } catch (java.io.IOException e) {
            c.close();
            throw e;
        }
        return new OutsidePeers(Mode.REPLAY, c);
    }

    public Mode mode() {
        return mode;
    }

    /** What arrived from outside, in order (record); the section's lines. */
    public List<OutsideArrival> arrivals() {
        return connections == null ? List.of() : connections.recorded();
    }

    /** Closes the stand-in peers and detsim's copies (replay and record, after the run). */
    public void close() {
        if (connections != null) connections.close();
    }

    @Override
    public Set<Syscall> subscriptions() {
        if (mode == Mode.OFF) return EnumSet.of(Syscall.LISTEN);
        return EnumSet.of(Syscall.LISTEN, Syscall.ACCEPT, Syscall.ACCEPT4, Syscall.CONNECT, Syscall.BIND, Syscall.READ,
                Syscall.RECVFROM, Syscall.RECVMSG,
                Syscall.POLL, Syscall.PPOLL, Syscall.SELECT, Syscall.PSELECT6, Syscall.EPOLL_WAIT, Syscall.EPOLL_PWAIT,
                Syscall.EPOLL_PWAIT2);
    }

    @Override
    public Disposition onSyscall(SyscallStop stop) {
        if (mode == Mode.OFF) return Disposition.PASSTHROUGH;
        int tgid = stop.pid(), fd = (int) stop.argument(0);
        Descriptors d = stop.descriptors();
        switch (stop.syscall()) {
            case LISTEN -> stop.onReturn(r -> {
                if (r == 0) connections.listening(d, tgid, fd);
            });
            case ACCEPT, ACCEPT4 -> {
                OutsideListener l = connections.listener(d, tgid, fd);
                if (l != null) stop.onReturn(r -> {
                    if (r >= 0) connections.accepted(d, l, tgid, (int) r, lookEvents, look);
                });
            }
            case READ, RECVFROM, RECVMSG -> {
                OutsideDatagrams.Socket s = connections.datagrams.socket(d, tgid, fd);
                if (s != null) return connections.datagrams.read(stop, d, s);
                return stop.syscall() == Syscall.RECVMSG ? Disposition.PASSTHROUGH : read(stop, d, tgid, fd);
            }
            case CONNECT -> {
                connections.connecting(tgid);
                String server = serverAddress(stop);
                if (server != null) {
                    // ConnectHandler answers a blocking unix or UDP connect itself: the next look sees its outcome
                    connecting = new Object[] {tgid, fd, server};
                    stop.onReturn(r -> { // a call the kernel ran (blocking TCP: after ConnectHandler's wait)
                        connecting = null;
                        if (r == 0 || r == -Errno.EINPROGRESS) connected(d, tgid, fd, server);
                    });
                }
            }
            case BIND -> stop.onReturn(r -> {
                if (r == 0) connections.datagrams.bound(d, tgid, fd, lookEvents, look);
            });
            default -> { // a readiness call: what arrived while the kernel ran it, it may have seen
                if (connections.watching()) { // replay too: the exit stop is part of the turn (the clock page's reads)
                    stop.onReturn(r -> { // the last look was the one before the thread was resumed into the call
                        if (r > 0 && mode == Mode.RECORD) connections.see(d, lookEvents, look);
                    });
                }
            }
        }
        return Disposition.PASSTHROUGH;
    }

    /**
     * The address connect(2) names: IPv4 or IPv6 ("ip:port"), or a unix socket's path ("unix:PATH"); null for
     * another family, an abstract unix name, or an unreadable one.
     */
    private static String serverAddress(SyscallStop stop) {
        long length = Math.min(stop.argument(2), dev.detsim.abi.Sockets.UNIX_ADDRESS_BYTES);
        if (length < 2) return null;
        byte[] raw = stop.memory().read(stop.tid(), stop.argument(1), (int) length);
        if (raw == null || raw.length < length) return null;
        String ip = dev.detsim.abi.Sockets.addressText(raw, (int) length);
        return ip != null ? ip : dev.detsim.abi.Sockets.unixText(raw, (int) length);
    }

    /** fd's connect(2) to server succeeded or is under way: a TCP or unix server outside, or a UDP socket. */
    private void connected(Descriptors d, int tgid, int fd, String server) {
        connections.dialled(d, tgid, fd, server, lookEvents, look);
        if (!server.startsWith("unix:")) connections.datagrams.bound(d, tgid, fd, lookEvents, look);
    }

    /** A read of an outside connection returns what the last look saw there, no more. */
    private Disposition read(SyscallStop stop, Descriptors d, int tgid, int fd) {
        OutsideConnection c = connections.connection(d, tgid, fd);
        if (c == null) return Disposition.PASSTHROUGH;
        long unread = c.unread();
        long flags = stop.syscall() == Syscall.RECVFROM ? stop.argument(3) : 0;
        if (unread > 0 && stop.argument(2) > 0 && (flags & ~MSG_DONTWAIT) == 0
                && (stop.syscall() == Syscall.READ || stop.argument(4) == 0)) {
            // detsim reads for the program, so the bytes are written into it as an event: replay checks them.
            byte[] bytes = connections.take(d, c, (int) Math.min(stop.argument(2), Math.min(unread, 1 << 20)));
            if (bytes.length > 0 && stop.memory().write(stop.tid(), stop.argument(1), bytes)) {
                return Disposition.emulate(bytes.length);
            }
            return Disposition.fail(bytes.length > 0 ? Errno.EFAULT : Errno.EAGAIN);
        }
        if (unread > 0) { // a peek, or an address asked for: the kernel reads, no more than the look saw
            if (stop.argument(2) > unread) stop.setArgument(2, unread);
            if ((flags & dev.detsim.abi.Sockets.MSG_PEEK) == 0) stop.onReturn(r -> {
                if (r > 0) c.consumed(r);
            });
            return Disposition.PASSTHROUGH;
        }
        if (c.ended()) return Disposition.PASSTHROUGH; // EOF: the kernel returns 0
        WakeUp wake = stop.wakeUp().orElse(null);
        if (wake != null && wake.cause() == WakeUp.Cause.INTERRUPTED) return Disposition.PASSTHROUGH;
        if ((flags & MSG_DONTWAIT) != 0 || (d.statusFlags(c.copy()) & OpenFlags.O_NONBLOCK) != 0) {
            return Disposition.fail(Errno.EAGAIN);
        }
        return Disposition.block(WaitCondition.Readiness.of(stop.process(), fd, POLLIN), Deadline.NONE);
    }

    @Override
    public boolean look(Descriptors d, long events, boolean counted, boolean betweenTurns) {
        if (mode == Mode.OFF) return false;
        if (events != lookEvents) {
            lookEvents = events;
            look = 0;
        } else if (counted) {
            look++;
        }
        if (connecting != null && counted) { // the thread ran no further than the call: connected now, or waits
            int tgid = (int) connecting[0], fd = (int) connecting[1];
            String server = (String) connecting[2];
            connecting = null;
            if (server.startsWith("unix:")) connections.dialledIfConnected(d, tgid, fd, server, events, look);
            else connections.datagrams.bound(d, tgid, fd, events, look);
        }
        if (mode == Mode.REPLAY) return connections.giveDue(d, events, look);
        connections.see(d, events, look);
        if (counted) connections.letStdinIn(events, look); // not at a second look: replay gives it at the first
        return betweenTurns && connections.letSignalsIn(events, look);
    }

    @Override
    public void started(int rootPid) {
        if (connections == null) return;
        connections.rootPid = rootPid;
        if (mode == Mode.RECORD) connections.holdSignals();
    }

    @Override
    public boolean holdsSignals() {
        return mode == Mode.RECORD;
    }

    @Override
    public boolean giveNext(Descriptors d) {
        if (mode == Mode.RECORD) return connections.stdin != null && connections.stdin.pending();
        return mode == Mode.REPLAY && connections.giveNext(d);
    }

    @Override
    public boolean socketsReachable() {
        return mode != Mode.REPLAY || connections.anySocketInputLeft();
    }

    @Override
    public boolean feeds(String link) {
        if (connections == null || connections.stdin == null || !connections.stdin.link().equals(link)) return false;
        return connections.stdin.open();
    }

    /**
     * The program's stdin is p (record: detsim's own stdin goes in at looks, and the recording keeps when; replay:
     * the recorded bytes go in at their looks).
     */
    public void keepStdin(dev.detsim.sandbox.world.StdinPipe p) {
        if (connections != null) connections.stdin = p;
    }

    /** POLLRDHUP and the errors that also end a peer's bytes. */
    static final int ENDED = POLLRDHUP | POLLHUP | POLLERR;
}
