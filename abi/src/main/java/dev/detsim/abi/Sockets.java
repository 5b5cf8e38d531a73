package dev.detsim.abi;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Socket constants and struct sockaddr_in/sockaddr_in6 as text ("127.0.0.1:2379", "[::1]:2379"). */
public final class Sockets {
    public static final int AF_UNIX = 1, AF_INET = 2, AF_INET6 = 10;
    /** Bytes of struct sockaddr_un (a family, then a path of up to 108 bytes). */
    public static final int UNIX_ADDRESS_BYTES = 110;
    public static final int MSG_PEEK = 0x2, MSG_DONTWAIT = 0x40;
    /** getsockopt(2) SOL_SOCKET/SO_TYPE, and the type of a TCP (stream) socket. */
    public static final int SOL_SOCKET = 1, SO_TYPE = 3, SOCK_STREAM = 1, SOCK_DGRAM = 2;
    /** getsockopt(2) SOL_SOCKET: the struct ucred (pid, uid, gid) of a unix socket's peer. */
    public static final int SO_PEERCRED = 17;
    /** recvmsg(2): msg_flags' bit for a datagram cut to the buffer. */
    public static final int MSG_TRUNC = 0x20;
    /** poll(2): the peer shut down its writing half (its bytes end with EOF). */
    public static final int POLLRDHUP = 0x2000;
    /** ioctl(2) SIOCINQ: the bytes queued to read on a TCP socket. */
    public static final int FIONREAD = 0x541B;
    /** kcmp(2): whether two descriptors name the same open file. */
    public static final int KCMP_FILE = 0;
    /** Bytes of the largest address this class reads (struct sockaddr_in6). */
    public static final int SOCKADDR_BYTES = 28;
    /**
     * getsockopt(2) IPPROTO_TCP/TCP_INFO, and where struct tcp_info keeps tcpi_unacked — which a listener fills
     * with its accept queue's length — and the bytes up to its end (asking for no more).
     */
    public static final int IPPROTO_TCP = 6, TCP_INFO = 11, TCP_INFO_UNACKED = 24, TCP_INFO_PREFIX = 28;

    private Sockets() {}

    /** An IPv4 or IPv6 struct sockaddr of length bytes as "ip:port" ("[ip]:port" for v6), or null for others. */
    public static String addressText(byte[] raw, int length) {
        if (raw == null || length < 2) return null;
        int family = (raw[0] & 0xff) | (raw[1] & 0xff) << 8;
        int port = length >= 4 ? ((raw[2] & 0xff) << 8 | (raw[3] & 0xff)) : 0;
        if (family == AF_INET && length >= 8) {
            return (raw[4] & 0xff) + "." + (raw[5] & 0xff) + "." + (raw[6] & 0xff) + "." + (raw[7] & 0xff) + ":" + port;
        }
        if (family == AF_INET6 && length >= 24) {
            StringBuilder b = new StringBuilder("[");
            ByteBuffer bb = ByteBuffer.wrap(raw, 8, 16).order(ByteOrder.BIG_ENDIAN);
            for (int i = 0; i < 8; i++) {
                if (i > 0) b.append(':');
                b.append(Integer.toHexString(bb.getShort() & 0xffff));
            }
            return b.append("]:").append(port).toString();
        }
        return null;
    }

    /** The struct sockaddr_in or sockaddr_in6 that {@link #addressText} writes as text, or null. */
    public static byte[] addressBytes(String text) {
        int colon = text.lastIndexOf(':');
        if (colon < 1) return null;
        int port = Integer.parseInt(text.substring(colon + 1));
        String host = text.substring(0, colon);
        ByteBuffer b;
        if (host.startsWith("[")) {
            String[] g = host.substring(1, host.length() - 1).split(":");
            if (g.length != 8) return null;
            b = ByteBuffer.allocate(28).order(ByteOrder.LITTLE_ENDIAN).putShort((short) AF_INET6);
            b.order(ByteOrder.BIG_ENDIAN).putShort((short) port).putInt(0);
            for (String group : g) b.putShort((short) Integer.parseInt(group, 16));
        } else {
            String[] p = host.split("\\.");
            if (p.length != 4) return null;
            b = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putShort((short) AF_INET);
            b.order(ByteOrder.BIG_ENDIAN).putShort((short) port);
            for (String part : p) b.put((byte) Integer.parseInt(part));
        }
        return b.array();
    }

    /**
     * An AF_UNIX struct sockaddr of length bytes as "unix:PATH" ("unix:" alone for an unnamed socket), or null for
     * another family, an abstract name, or a path that a tab-separated line cannot hold.
     */
    public static String unixText(byte[] raw, int length) {
        if (raw == null || length < 2 || ((raw[0] & 0xff) | (raw[1] & 0xff) << 8) != AF_UNIX) return null;
        int end = 2;
        while (end < length && raw[end] != 0) end++;
        if (length > 2 && raw[2] == 0) return null; // abstract: not kept
        String path = new String(raw, 2, end - 2, java.nio.charset.StandardCharsets.UTF_8);
        for (int i = 0; i < path.length(); i++) if (path.charAt(i) < ' ') return null;
        return "unix:" + path;
    }
}
