package dev.detsim.sandbox.world;

import static dev.detsim.abi.Sockets.FIONREAD;
import static dev.detsim.abi.Sockets.KCMP_FILE;
import static dev.detsim.abi.Sockets.MSG_DONTWAIT;
import static dev.detsim.abi.Sockets.MSG_PEEK;
import static dev.detsim.abi.Sockets.SOCKADDR_BYTES;

import dev.detsim.abi.Sockets;
import dev.detsim.sandbox.api.Descriptors;
import dev.detsim.sandbox.syscall.Syscall;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * What detsim asks the kernel about a traced program's TCP sockets, through copies it holds: bytes queued to
 * read, a peek at them, addresses, a listener's accept queue (/proc/net/tcp), and whether the other end of a
 * connection is held by a traced process (inside the run) or not (an outside peer).
 */
public final class OutsideSockets {
    private static final int SELF = (int) ProcessHandle.current().pid();
    private final Arena arena = Arena.ofAuto();
    private final MemorySegment word = arena.allocate(8, 8);
    private final MemorySegment address = arena.allocate(Sockets.UNIX_ADDRESS_BYTES + 4, 8);
    private MemorySegment buffer = arena.allocate(1 << 16, 8);

    /** Bytes queued to read on copy (ioctl SIOCINQ), or -errno. */
    public long queued(Descriptors d, int copy) {
        long r = d.call(Syscall.IOCTL, copy, FIONREAD, word.address());
        return r < 0 ? r : word.get(ValueLayout.JAVA_INT, 0);
    }

    /** The first n bytes queued on copy, left in the queue (MSG_PEEK); fewer if fewer are there. */
    public byte[] peek(Descriptors d, int copy, int n) {
        if (buffer.byteSize() < n) buffer = arena.allocate(n, 8);
        long r = d.call(Syscall.RECVFROM, copy, buffer.address(), n, MSG_PEEK | MSG_DONTWAIT, 0, 0);
        return r <= 0 ? new byte[0] : buffer.asSlice(0, r).toArray(ValueLayout.JAVA_BYTE);
    }

    /** Reads up to n bytes queued on copy without waiting (they leave the queue); none on an error. */
    public byte[] receive(Descriptors d, int copy, int n) {
        if (buffer.byteSize() < n) buffer = arena.allocate(n, 8);
        long r = d.call(Syscall.RECVFROM, copy, buffer.address(), n, MSG_DONTWAIT, 0, 0);
        return r <= 0 ? new byte[0] : buffer.asSlice(0, r).toArray(ValueLayout.JAVA_BYTE);
    }

    /**
     * Connections waiting in the accept queue of the TCP listener copy: TCP_INFO's tcpi_unacked, which a listener
     * fills with its backlog (one getsockopt, where /proc/net/tcp lists every socket on the host); -1 if the
     * kernel does not say, and {@link #acceptQueue(long)} then reads /proc.
     */
    public int acceptQueue(Descriptors d, int copy) {
        word.set(ValueLayout.JAVA_INT, 0, Sockets.TCP_INFO_PREFIX);
        long r = d.call(Syscall.GETSOCKOPT, copy, Sockets.IPPROTO_TCP, Sockets.TCP_INFO, address.address(), word.address());
        if (r < 0 || word.get(ValueLayout.JAVA_INT, 0) < Sockets.TCP_INFO_PREFIX) return -1;
        return address.get(ValueLayout.JAVA_INT, Sockets.TCP_INFO_UNACKED);
    }

    /** What a zero-timeout poll of copy for events reports now. */
    public int revents(Descriptors d, int copy, int events) {
        int[] revents = new int[1];
        d.pollCopies(new int[] {copy}, new int[] {events}, revents);
        return revents[0];
    }

    /** Whether descriptor fd of process tgid is still the open file copy is (kcmp KCMP_FILE). */
    public boolean sameFile(Descriptors d, int tgid, int fd, int copy) {
        return d.call(Syscall.KCMP, tgid, SELF, KCMP_FILE, fd, copy) == 0;
    }

    /** Whether copy is a stream socket (getsockopt SO_TYPE): TCP for an IPv4 or IPv6 one. */
    public boolean isStream(Descriptors d, int copy) {
        return type(d, copy) == Sockets.SOCK_STREAM;
    }

    /** Whether copy is a datagram socket: UDP for an IPv4 or IPv6 one. */
    public boolean isDatagram(Descriptors d, int copy) {
        return type(d, copy) == Sockets.SOCK_DGRAM;
    }

    /** A datagram at the head of a socket's queue, and its source ("ip:port"; null if not IPv4 or IPv6). */
    public record Datagram(String source, byte[] bytes) {}

    /** The datagram at the head of copy's queue, left there (MSG_PEEK), or null if none. */
    public Datagram peekDatagram(Descriptors d, int copy) {
        if (buffer.byteSize() < 1 << 16) buffer = arena.allocate(1 << 16, 8);
        word.set(ValueLayout.JAVA_INT, 0, SOCKADDR_BYTES);
        long r = d.call(Syscall.RECVFROM, copy, buffer.address(), 1 << 16, MSG_PEEK | MSG_DONTWAIT, address.address(),
                word.address());
        if (r < 0) return null;
        int length = Math.min(word.get(ValueLayout.JAVA_INT, 0), SOCKADDR_BYTES);
        return new Datagram(Sockets.addressText(address.asSlice(0, length).toArray(ValueLayout.JAVA_BYTE), length),
                buffer.asSlice(0, r).toArray(ValueLayout.JAVA_BYTE));
    }

    /**
     * Whether the UDP socket a datagram came from (source "ip:port") is held by a process of the run
     * ({@link #inRun}). Not found (another host, closed) counts as outside.
     */
    public static boolean udpSenderInside(String source, int rootPid) {
        String wanted = procAddress(source);
        if (wanted == null) return false;
        String port = wanted.substring(wanted.indexOf(':'));
        java.util.Set<String> inodes = new java.util.HashSet<>();
        for (String file : new String[] {"/proc/net/udp", "/proc/net/udp6"}) {
            for (String[] f : lines(file)) {
                String[] a = f[1].split(":");
                boolean wildcard = a[0].chars().allMatch(c -> c == '0') && (":" + a[1]).equalsIgnoreCase(port);
                if ((f[1].equalsIgnoreCase(wanted) || wildcard) && !f[9].equals("0")) inodes.add(f[9]);
            }
        }
        if (inodes.isEmpty()) return false;
        try (DirectoryStream<Path> processes = Files.newDirectoryStream(Path.of("/proc"))) {
            for (Path p : processes) {
                String name = p.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit)) continue;
                for (String inode : inodes) {
                    if (holds(p, "socket:[" + inode + "]")) return inRun(Integer.parseInt(name), rootPid);
                }
            }
        } catch (IOException | RuntimeException e) {
            return false;
        }
        return false;
    }

    /**
     * Whether the unix socket at the other end of copy is held by a process of the run (SO_PEERCRED: the process
     * that connected it).
     */
    public boolean unixPeerInside(Descriptors d, int copy, int rootPid) {
        address.set(ValueLayout.JAVA_INT, 0, 0);
        word.set(ValueLayout.JAVA_INT, 0, 12);
        long r = d.call(Syscall.GETSOCKOPT, copy, Sockets.SOL_SOCKET, Sockets.SO_PEERCRED, address.address(), word.address());
        return r == 0 && inRun(address.get(ValueLayout.JAVA_INT, 0), rootPid);
    }

    /**
     * Whether host process pid is one of the run's: in rootPid's pid namespace when the run has one of its own
     * (so that orphans, which its init adopts, count), else rootPid or one of its descendants.
     */
    static boolean inRun(int pid, int rootPid) {
        if (pid <= 0) return false;
        String root = link("/proc/" + rootPid + "/ns/pid");
        if (root != null && !root.equals(link("/proc/self/ns/pid"))) return root.equals(link("/proc/" + pid + "/ns/pid"));
        return descends(pid, rootPid);
    }

    private static String link(String path) {
        try {
            return Files.readSymbolicLink(Path.of(path)).toString();
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static boolean descends(int pid, int rootPid) {
        for (int i = 0; i < 64 && pid > 1; i++) {
            if (pid == rootPid) return true;
            try {
                String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
                pid = Integer.parseInt(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[1]);
            } catch (IOException | RuntimeException e) {
                return false;
            }
        }
        return pid == rootPid;
    }

    private int type(Descriptors d, int copy) {
        word.set(ValueLayout.JAVA_INT, 0, 0);
        address.set(ValueLayout.JAVA_INT, 0, 4);
        long r = d.call(Syscall.GETSOCKOPT, copy, Sockets.SOL_SOCKET, Sockets.SO_TYPE, word.address(), address.address());
        return r == 0 ? word.get(ValueLayout.JAVA_INT, 0) : -1;
    }

    /** getsockname(2) of copy as "ip:port", or null (not IPv4/IPv6, or an error). */
    public String localAddress(Descriptors d, int copy) {
        return name(d, Syscall.GETSOCKNAME, copy);
    }

    /** getpeername(2) of copy as "ip:port", or null. */
    public String peerAddress(Descriptors d, int copy) {
        return name(d, Syscall.GETPEERNAME, copy);
    }

    /** getsockname(2) of copy, a unix socket, as "unix:PATH" ("unix:" when unnamed), or null. */
    public String unixName(Descriptors d, int copy) {
        return unix(d, Syscall.GETSOCKNAME, copy);
    }

    /** getpeername(2) of copy, a connected unix socket, as "unix:PATH", or null. */
    public String unixPeer(Descriptors d, int copy) {
        return unix(d, Syscall.GETPEERNAME, copy);
    }

    private String unix(Descriptors d, Syscall s, int copy) {
        word.set(ValueLayout.JAVA_INT, 0, Sockets.UNIX_ADDRESS_BYTES);
        if (d.call(s, copy, address.address(), word.address()) < 0) return null;
        int length = Math.min(word.get(ValueLayout.JAVA_INT, 0), Sockets.UNIX_ADDRESS_BYTES);
        return Sockets.unixText(address.asSlice(0, length).toArray(ValueLayout.JAVA_BYTE), length);
    }

    private String name(Descriptors d, Syscall s, int copy) {
        word.set(ValueLayout.JAVA_INT, 0, SOCKADDR_BYTES);
        if (d.call(s, copy, address.address(), word.address()) < 0) return null;
        int length = Math.min(word.get(ValueLayout.JAVA_INT, 0), SOCKADDR_BYTES);
        return Sockets.addressText(address.asSlice(0, length).toArray(ValueLayout.JAVA_BYTE), length);
    }

    /** The socket inode of copy ("socket:[N]"), or -1. */
    public static long inode(Descriptors d, int copy) {
        String link = d.openFileOfCopy(copy);
        if (link == null || !link.startsWith("socket:[")) return -1;
        return Long.parseLong(link.substring(8, link.length() - 1));
    }

    /** Connections waiting in the accept queue of the TCP listener with this inode (0 if none or not found). */
    public static int acceptQueue(long inode) {
        for (String[] f : tcpLines()) {
            if (f[9].equals(Long.toString(inode))) return Integer.parseInt(f[4].substring(f[4].indexOf(':') + 1), 16);
        }
        return 0;
    }

    /**
     * Whether the TCP peer of a connection (local and peer as "ip:port") is held by one of the traced processes
     * that made connections (candidates, host pids), so that it is inside the run. Not found (another host,
     * another namespace, already closed) counts as outside.
     */
    public static boolean peerInside(String local, String peer, java.util.Collection<Integer> candidates) {
        String l = procAddress(peer), r = procAddress(local);
        if (l == null || r == null) return false;
        String inode = null;
        for (String[] f : tcpLines()) {
            if (f[1].equalsIgnoreCase(l) && f[2].equalsIgnoreCase(r)) inode = f[9];
        }
        if (inode == null || inode.equals("0")) return false;
        String target = "socket:[" + inode + "]";
        for (int pid : candidates) if (holds(Path.of("/proc/" + pid), target)) return true;
        return false;
    }

    private static boolean holds(Path process, String target) {
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(process.resolve("fd"))) {
            for (Path fd : fds) {
                try {
                    if (target.equals(Files.readSymbolicLink(fd).toString())) return true;
                } catch (IOException e) {
                    // closed meanwhile
                }
            }
        } catch (IOException | RuntimeException e) {
            return false;
        }
        return false;
    }

    /** "ip:port" as /proc/net/tcp writes it: each 32-bit word of the address in host (little-endian) order. */
    static String procAddress(String text) {
        int colon = text.lastIndexOf(':');
        String host = text.substring(0, colon), port = String.format("%04X", Integer.parseInt(text.substring(colon + 1)));
        byte[] b = host.startsWith("[") ? ipv6(host.substring(1, host.length() - 1)) : ipv4(host);
        if (b == null) return null;
        StringBuilder s = new StringBuilder();
        for (int w = 0; w < b.length; w += 4) {
            for (int i = 3; i >= 0; i--) s.append(String.format("%02X", b[w + i] & 0xff));
        }
        return s.append(':').append(port).toString();
    }

    // Parsed by hand: java.net.InetAddress's first use costs a tenth of a second (name services), inside a turn.
    private static byte[] ipv4(String text) {
        String[] p = text.split("\\.");
        if (p.length != 4) return null;
        byte[] b = new byte[4];
        for (int i = 0; i < 4; i++) b[i] = (byte) Integer.parseInt(p[i]);
        return b;
    }

    /** The hex groups of Sockets.addressText's IPv6 form (eight groups, no "::"), or null. */
    private static byte[] ipv6(String text) {
        String[] g = text.split(":");
        if (g.length != 8) return null;
        byte[] b = new byte[16];
        for (int i = 0; i < 8; i++) {
            int v = Integer.parseInt(g[i], 16);
            b[2 * i] = (byte) (v >> 8);
            b[2 * i + 1] = (byte) v;
        }
        return b;
    }

    /** The lines of /proc/net/tcp and tcp6 (of detsim's network namespace, the run's), split on blanks. */
    private static List<String[]> tcpLines() {
        List<String[]> lines = new java.util.ArrayList<>(lines("/proc/net/tcp"));
        lines.addAll(lines("/proc/net/tcp6"));
        return lines;
    }

    private static List<String[]> lines(String file) {
        List<String[]> lines = new java.util.ArrayList<>();
        try {
            List<String> all = Files.readAllLines(Path.of(file));
            for (int i = 1; i < all.size(); i++) {
                String[] f = all.get(i).trim().split("\\s+");
                if (f.length > 9) lines.add(f);
            }
        } catch (IOException e) {
            // no IPv6, say
        }
        return lines;
    }
}
