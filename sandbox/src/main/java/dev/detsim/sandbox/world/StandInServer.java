package dev.detsim.sandbox.world;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.HashMap;
import java.util.Map;

/**
 * At replay, detsim listening in the host's network at the address of a TCP server outside the recorded run,
 * so that the program's connect(2) to it succeeds as it did; each connection it accepts becomes the
 * {@link StandInPeer} that gives the recorded server's bytes.
 */
public final class StandInServer implements AutoCloseable {
    /** The recorded server address cannot be listened at here. */
    public static final class Unavailable extends IOException {
        Unavailable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final ServerSocketChannel channel;
    private final String address;
    /** Connections accepted before anyone asked for them, by the program's end ("ip:port"). */
    private final Map<String, SocketChannel> early = new HashMap<>();

    private StandInServer(ServerSocketChannel channel, String address) {
        this.channel = channel;
        this.address = address;
    }

    /** Listens at address ("ip:port", "[ip6]:port"); the IOException says why not (the port is taken, say). */
    public static StandInServer listen(String address) throws IOException {
        InetSocketAddress a = StandInPeer.address(address);
        ServerSocketChannel c = ServerSocketChannel.open(a.getAddress() instanceof java.net.Inet6Address
                ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET);
        try {
            c.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            c.bind(a, 64);
            c.configureBlocking(false);
        } catch (IOException | RuntimeException e) {
            c.close();
            throw new Unavailable("cannot stand in for the outside server at " + address + " (" + e.getMessage()
                    + "): replay listens there, so it must be an address of this host and free", e);
        }
        return new StandInServer(c, address);
    }

    public String address() {
        return address;
    }

    /**
     * The stand-in for the connection the program made from client ("ip:port", its getsockname), once the
     * kernel has put it in the accept queue (loopback: at once); waits at most waitNanos of host time.
     */
    public StandInPeer accept(String client, long waitNanos) throws IOException {
        long deadline = System.nanoTime() + waitNanos;
        while (true) {
            SocketChannel c = early.remove(client);
            if (c != null) return StandInPeer.accepted(c, address);
            SocketChannel next = channel.accept();
            if (next != null) {
                early.put(StandInPeer.text((InetSocketAddress) next.getRemoteAddress()), next);
                continue;
            }
            if (System.nanoTime() > deadline) throw new IOException("the program's connection from " + client
                    + " to " + address + " did not come");
            java.util.concurrent.locks.LockSupport.parkNanos(100_000);
        }
    }

    @Override
    public void close() {
        for (SocketChannel c : early.values()) {
            try {
                c.close();
            } catch (IOException e) {
                // nothing left to do
            }
        }
        try {
            channel.close();
        } catch (IOException e) {
            // nothing left to do
        }
    }
}
