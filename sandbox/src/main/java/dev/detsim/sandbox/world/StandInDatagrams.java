package dev.detsim.sandbox.world;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.HashMap;
import java.util.Map;

/**
 * At replay, the senders of the datagrams that came from outside the recorded run: one UDP socket per recorded
 * source, bound at that source when it is free here (a connected socket takes datagrams from its peer only),
 * else at any address.
 */
public final class StandInDatagrams implements AutoCloseable {
    private final Map<String, DatagramChannel> senders = new HashMap<>();

    /** Sends bytes from source ("ip:port") to the program's socket bound at target (a wildcard: loopback). */
    public void send(String source, String target, byte[] bytes) throws IOException {
        DatagramChannel c = senders.get(source);
        if (c == null) {
            InetSocketAddress from = StandInPeer.address(source);
            c = DatagramChannel.open(from.getAddress() instanceof java.net.Inet6Address ? StandardProtocolFamily.INET6
                    : StandardProtocolFamily.INET);
            c.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            try {
                c.bind(from);
            } catch (IOException e) {
                c.bind(null); // not this host's, or taken: the program still reads the recorded source
            }
            senders.put(source, c);
        }
        String to = target.replace("0.0.0.0:", "127.0.0.1:").replace("[0:0:0:0:0:0:0:0]:", "[0:0:0:0:0:0:0:1]:");
        c.send(ByteBuffer.wrap(bytes), StandInPeer.address(to));
    }

    @Override
    public void close() {
        for (DatagramChannel c : senders.values()) {
            try {
                c.close();
            } catch (IOException e) {
                // nothing left to do
            }
        }
    }
}
