package dev.detsim.sandbox.world;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * At replay, detsim's own end of one connection an outside client made at record (it connects from the client's
 * recorded address to the run's listener), or of one the program made to an outside server: it writes the recorded bytes when told, shuts its writing half for the
 * recorded EOF, and reads and drops whatever the program sends, so the program's writes never wait on it.
 */
public final class StandInPeer implements AutoCloseable {
    private final SocketChannel channel;
    private final String peer;
    private volatile long drained;

    private StandInPeer(SocketChannel channel, String peer) {
        this.channel = channel;
        this.peer = peer;
    }

    /** Connects from peer to listener (both "ip:port"); the peer's port is taken if it is free, else any. */
    public static StandInPeer connect(String listener, String peer) throws IOException {
        if (listener.startsWith("unix:")) { // an unnamed client, as the recorded one was (else not kept)
            SocketChannel u = SocketChannel.open(java.net.StandardProtocolFamily.UNIX);
            try {
                u.connect(java.net.UnixDomainSocketAddress.of(listener.substring(5)));
            } catch (IOException | RuntimeException e) {
                u.close();
                throw e;
            }
            return started(u, peer);
        }
        SocketChannel c = SocketChannel.open();
        try {
            c.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            try {
                c.bind(address(peer));
            } catch (IOException e) {
                // the recorded client address does not exist here: the program sees another peer address
            }
            c.connect(address(listener));
        } catch (IOException | RuntimeException e) {
            c.close();
            throw e;
        }
        return started(c, peer);
    }

    /** The stand-in for an outside server: the end of the program's connection that {@link StandInServer} accepted. */
    static StandInPeer accepted(SocketChannel c, String server) throws IOException {
        c.configureBlocking(true);
        return started(c, server);
    }

    private static StandInPeer started(SocketChannel c, String peer) {
        StandInPeer p = new StandInPeer(c, peer);
        Thread.ofPlatform().daemon().name("detsim-stand-in " + peer).start(p::drain);
        return p;
    }

    /** The address this end has ("ip:port"), which the program's accept reports. */
    public String address() {
        try {
            return text((InetSocketAddress) channel.getLocalAddress());
        } catch (IOException | RuntimeException e) {
            return peer;
        }
    }

    public void send(byte[] bytes) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        while (b.hasRemaining()) channel.write(b);
    }

    public void shutdownOutput() throws IOException {
        channel.shutdownOutput();
    }

    /** Bytes the program sent to this peer so far. */
    public long drained() {
        return drained;
    }

    private void drain() {
        ByteBuffer b = ByteBuffer.allocate(1 << 16);
        try {
            for (int n; (n = channel.read(b)) >= 0; b.clear()) drained += n;
        } catch (IOException e) {
            // closed: the run is over, or the program reset the connection
        }
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            // nothing left to do
        }
    }

    /** a as Sockets.addressText or unixText write it ("ip:port", "[ip6]:port" with eight groups, "unix:PATH"). */
    static String text(java.net.SocketAddress any) {
        if (any instanceof java.net.UnixDomainSocketAddress u) return "unix:" + u.getPath();
        InetSocketAddress a = (InetSocketAddress) any;
        String host = a.getAddress().getHostAddress();
        int scope = host.indexOf('%');
        if (scope >= 0) host = host.substring(0, scope);
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort();
    }

    static InetSocketAddress address(String text) {
        int colon = text.lastIndexOf(':');
        String host = text.substring(0, colon);
        if (host.startsWith("[")) host = host.substring(1, host.length() - 1);
        return new InetSocketAddress(host, Integer.parseInt(text.substring(colon + 1)));
    }
}
