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
    /** Connections accepted before anyone asked for them, by the program's end ("ip:port"; "unix:" if unnamed). */
    private final Map<String, java.util.ArrayDeque<SocketChannel>> early = new HashMap<>();

    private StandInServer(ServerSocketChannel channel, String address) {
        this.channel = channel;
        this.address = address;
    }

    /**
     * Listens at address ("ip:port", "[ip6]:port", "unix:PATH"); the IOException says why not (the port is taken,
     * the path exists, say).
     */
    public static StandInServer listen(String address) throws IOException {
        boolean unix = address.startsWith("unix:");
        java.net.SocketAddress a = unix ? java.net.UnixDomainSocketAddress.of(address.substring(5)) : StandInPeer.address(address);
        ServerSocketChannel c = ServerSocketChannel.open(unix ? StandardProtocolFamily.UNIX
                : ((InetSocketAddress) a).getAddress() instanceof java.net.Inet6Address ? StandardProtocolFamily.INET6
                : StandardProtocolFamily.INET);
        try {
            if (!unix) c.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            c.bind(a, 64);
            c.configureBlocking(false);
        } catch (IOException | RuntimeException e) {
            c.close();
            throw new Unavailable("cannot stand in for the outside server at " + address + " (" + e.getMessage()
                    + "): replay listens there, so it must be " + (unix ? "a path that does not exist" : "an address of this host and free"), e);
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
            var waiting = early.get(client);
            if (waiting != null && !waiting.isEmpty()) return StandInPeer.accepted(waiting.poll(), address);
            SocketChannel next = channel.accept(); // unix: unnamed clients come in the order they connected
            if (next != null) {
                early.computeIfAbsent(StandInPeer.text(next.getRemoteAddress()), k -> new java.util.ArrayDeque<>()).add(next);
                continue;
            }
            if (System.nanoTime() > deadline) throw new IOException("the program's connection from " + client
                    + " to " + address + " did not come");
            java.util.concurrent.locks.LockSupport.parkNanos(100_000);
        }
    }

    @Override
    public void close() {
        for (var waiting : early.values()) {
            for (SocketChannel c : waiting) {
                try {
                    c.close();
                } catch (IOException e) {
                    // nothing left to do
                }
            }
        }
        try {
            channel.close();
            if (address.startsWith("unix:")) java.nio.file.Files.deleteIfExists(java.nio.file.Path.of(address.substring(5)));
        } catch (IOException e) {
            // nothing left to do
        }
    }
}
