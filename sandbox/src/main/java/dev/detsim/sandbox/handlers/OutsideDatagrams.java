package dev.detsim.sandbox.handlers;

import static dev.detsim.abi.Poll.POLLIN;
import static dev.detsim.abi.Sockets.MSG_DONTWAIT;
import static dev.detsim.abi.Sockets.MSG_PEEK;
import static dev.detsim.abi.Sockets.MSG_TRUNC;

import dev.detsim.abi.Errno;
import dev.detsim.abi.OpenFlags;
import dev.detsim.abi.Sockets;
import dev.detsim.recorder.OutsideArrival;
import dev.detsim.sandbox.api.Descriptors;
import dev.detsim.sandbox.api.Disposition;
import dev.detsim.sandbox.api.SyscallStop;
import dev.detsim.sandbox.syscall.Syscall;
import dev.detsim.sandbox.world.OutsideSockets;
import dev.detsim.sandbox.world.StandInDatagrams;
import dev.detsim.scheduler.Deadline;
import dev.detsim.scheduler.WaitCondition;
import dev.detsim.scheduler.WakeUp;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The program's UDP sockets (those it bound or connected) and the datagrams senders outside the run sent them
 * (docs/RECORDING.md, "Outside peers"). A look sees at most the datagram at the head of a socket's queue (a peek
 * shows no more), so datagrams are seen one at a time, each once the program read the one before. Record keeps
 * each outside datagram, its source and its look; a datagram from a traced process is left to the kernel. The
 * program's read of an outside datagram is made by detsim (read, recvfrom, recvmsg): it takes the datagram from
 * the socket and writes the recorded bytes and source into the program, so that the event holds their digest.
 * Replay sends each recorded datagram at its look from a stand-in (from the recorded source when that address
 * is free here; the program reads the recorded source either way), and drops other outside datagrams.
 */
final class OutsideDatagrams {
    /** A datagram detsim knows to be at the socket's queue: from outside (source, bytes), or from inside (null). */
    private record Known(String source, byte[] bytes) {}

    private static final Known INSIDE = new Known(null, null);

    /** One watched UDP socket. */
    static final class Socket {
        final int tgid, fd, copy, number;
        final String local;
        final ArrayDeque<Known> known = new ArrayDeque<>();

        Socket(int tgid, int fd, int copy, int number, String local) {
            this.tgid = tgid;
            this.fd = fd;
            this.copy = copy;
            this.number = number;
            this.local = local;
        }
    }

    /** Where record's lines go (OutsideConnections' entries, so that they sort with the rest). */
    interface Lines {
        void add(long events, int look, OutsideArrival.Kind kind, int socket, String address, byte[] bytes);
    }

    private final OutsideSockets sockets;
    private final Lines lines;
    private final boolean replay;
    private final List<Socket> watched = new ArrayList<>();
    private final List<Socket> byNumber = new ArrayList<>();
    private StandInDatagrams standIn;

    OutsideDatagrams(OutsideSockets sockets, Lines lines, boolean replay) {
        this.sockets = sockets;
        this.lines = lines;
        this.replay = replay;
    }

    boolean watching() {
        return !byNumber.isEmpty();
    }

    /** fd of tgid was bound or connected: a UDP socket with an address is watched from this look on. */
    void bound(Descriptors d, int tgid, int fd, long events, int look) {
        if (socket(d, tgid, fd) != null) return;
        int copy = d.copy(tgid, fd);
        if (copy < 0) return;
        String local = sockets.isDatagram(d, copy) ? sockets.localAddress(d, copy) : null;
        if (local == null || local.endsWith(":0")) {
            d.close(copy);
            return;
        }
        Socket s = new Socket(tgid, fd, copy, byNumber.size(), local);
        byNumber.add(s);
        watched.add(s);
        if (!replay) lines.add(events, look, OutsideArrival.Kind.UDP, s.number, local, null);
    }

    /** The watched socket behind fd of tgid, or null. */
    Socket socket(Descriptors d, int tgid, int fd) {
        for (Socket s : watched) if (s.tgid == tgid && s.fd == fd && sockets.sameFile(d, tgid, fd, s.copy)) return s;
        return null;
    }

    /** At a look: what is at the head of each queue that detsim does not know yet. */
    void see(Descriptors d, long events, int look, int rootPid) {
        for (int i = 0; i < watched.size(); i++) {
            Socket s = watched.get(i);
            if (!sockets.sameFile(d, s.tgid, s.fd, s.copy)) { // closed by the program
                d.close(s.copy);
                watched.remove(i--);
                continue;
            }
            if (!s.known.isEmpty()) continue;
            OutsideSockets.Datagram head = sockets.peekDatagram(d, s.copy);
            if (head == null) continue;
            if (head.source() != null && OutsideSockets.udpSenderInside(head.source(), rootPid)) {
                s.known.add(INSIDE);
            } else if (replay) {
                sockets.receive(d, s.copy, 1); // not in the recording: a stray (a real server's late answer)
            } else {
                s.known.add(new Known(head.source(), head.bytes()));
                lines.add(events, look, OutsideArrival.Kind.DATAGRAM, s.number, head.source(), head.bytes());
            }
        }
    }

    /** Replay: sends a recorded datagram to its socket and waits (host time, bounded) until it is queued there. */
    void give(Descriptors d, OutsideArrival a, long waitNanos) throws IOException {
        if (a.kind() == OutsideArrival.Kind.UDP) return; // the program binds; watching starts then
        Socket s = a.connection() < byNumber.size() ? byNumber.get(a.connection()) : null;
        if (s == null) throw new IOException("the program has no UDP socket " + a.connection());
        if (standIn == null) standIn = new StandInDatagrams();
        boolean wasEmpty = s.known.isEmpty() && sockets.peekDatagram(d, s.copy) == null;
        standIn.send(a.listener(), s.local, a.bytes());
        s.known.add(new Known(a.listener(), a.bytes()));
        long deadline = System.nanoTime() + waitNanos;
        while (wasEmpty && sockets.peekDatagram(d, s.copy) == null && System.nanoTime() < deadline) {
            java.util.concurrent.locks.LockSupport.parkNanos(50_000);
        }
    }

    /** The program reads from s (read, recvfrom, recvmsg). */
    Disposition read(SyscallStop stop, Descriptors d, Socket s) {
        Syscall call = stop.syscall();
        long flags = call == Syscall.READ ? 0 : stop.argument(call == Syscall.RECVMSG ? 2 : 3);
        Known head = s.known.peek();
        if (head == INSIDE) { // the kernel reads it
            if ((flags & MSG_PEEK) == 0) stop.onReturn(r -> {
                if (r >= 0) s.known.poll();
            });
            return Disposition.PASSTHROUGH;
        }
        if (head == null) {
            WakeUp wake = stop.wakeUp().orElse(null);
            if (wake != null && wake.cause() == WakeUp.Cause.INTERRUPTED) return Disposition.PASSTHROUGH;
            if ((flags & MSG_DONTWAIT) != 0 || (d.statusFlags(s.copy) & OpenFlags.O_NONBLOCK) != 0) {
                return Disposition.fail(Errno.EAGAIN);
            }
            return Disposition.block(WaitCondition.Readiness.of(stop.process(), s.fd, POLLIN), Deadline.NONE);
        }
        if ((flags & MSG_PEEK) == 0) {
            s.known.poll();
            sockets.receive(d, s.copy, 1); // the datagram leaves the queue; its recorded bytes go to the program
        }
        byte[] source = Sockets.addressBytes(head.source());
        return call == Syscall.RECVMSG ? intoMessage(stop, head.bytes(), source, flags)
                : intoBuffer(stop, head.bytes(), source, call == Syscall.RECVFROM, flags);
    }

    private static Disposition intoBuffer(SyscallStop stop, byte[] bytes, byte[] source, boolean from, long flags) {
        int n = (int) Math.min(bytes.length, Math.max(0, stop.argument(2)));
        if (n > 0 && !stop.memory().write(stop.tid(), stop.argument(1), java.util.Arrays.copyOf(bytes, n))) {
            return Disposition.fail(Errno.EFAULT);
        }
        if (from && stop.argument(4) != 0 && stop.argument(5) != 0 && !writeAddress(stop, stop.argument(4), stop.argument(5), source)) {
            return Disposition.fail(Errno.EFAULT);
        }
        return Disposition.emulate((flags & MSG_TRUNC) != 0 ? bytes.length : n);
    }

    /** recvmsg: the bytes scattered over msg_iov, the source into msg_name, no control data, MSG_TRUNC if cut. */
    private static Disposition intoMessage(SyscallStop stop, byte[] bytes, byte[] source, long flags) {
        int tid = stop.tid();
        long header = stop.argument(1);
        byte[] h = stop.memory().read(tid, header, 56);
        if (h == null || h.length < 56) return Disposition.fail(Errno.EFAULT);
        ByteBuffer m = ByteBuffer.wrap(h).order(ByteOrder.LITTLE_ENDIAN);
        long name = m.getLong(0), iov = m.getLong(16), iovlen = m.getLong(24);
        int done = 0;
        for (long i = 0; i < Math.min(iovlen, 1024) && done < bytes.length; i++) {
            byte[] v = stop.memory().read(tid, iov + 16 * i, 16);
            if (v == null || v.length < 16) return Disposition.fail(Errno.EFAULT);
            ByteBuffer e = ByteBuffer.wrap(v).order(ByteOrder.LITTLE_ENDIAN);
            int n = (int) Math.min(bytes.length - done, Math.max(0, e.getLong(8)));
            if (n > 0 && !stop.memory().write(tid, e.getLong(0), java.util.Arrays.copyOfRange(bytes, done, done + n))) {
                return Disposition.fail(Errno.EFAULT);
            }
            done += n;
        }
        if (name != 0 && !writeAddress(stop, name, header + 8, source)) return Disposition.fail(Errno.EFAULT);
        ByteBuffer tail = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN); // msg_controllen, msg_flags
        tail.putLong(0).putInt(done < bytes.length ? MSG_TRUNC : 0).putInt(m.getInt(52));
        if (!stop.memory().write(tid, header + 40, tail.array())) return Disposition.fail(Errno.EFAULT);
        return Disposition.emulate((flags & MSG_TRUNC) != 0 ? bytes.length : done);
    }

    /** The source address into the program's buffer (cut to its length), its full length into *lengthAt. */
    private static boolean writeAddress(SyscallStop stop, long at, long lengthAt, byte[] source) {
        byte[] l = stop.memory().read(stop.tid(), lengthAt, 4);
        if (l == null || l.length < 4) return false;
        int room = ByteBuffer.wrap(l).order(ByteOrder.LITTLE_ENDIAN).getInt();
        int n = Math.min(Math.max(room, 0), source.length);
        if (n > 0 && !stop.memory().write(stop.tid(), at, java.util.Arrays.copyOf(source, n))) return false;
        return stop.memory().write(stop.tid(), lengthAt,
                ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(source.length).array());
    }

    void close() {
        if (standIn != null) standIn.close();
    }
}
