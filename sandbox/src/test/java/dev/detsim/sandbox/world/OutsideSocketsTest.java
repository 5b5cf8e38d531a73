package dev.detsim.sandbox.world;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.detsim.abi.Sockets;
import org.junit.jupiter.api.Test;

/** Addresses as the recording writes them, and as /proc/net/tcp shows them (which record compares). */
class OutsideSocketsTest {
    @Test
    void sockaddrsReadAsTextAndTextAsProcNetTcpWritesIt() {
        byte[] v4 = {2, 0, 0x09, 0x4b, 127, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0}; // AF_INET, port 2379
        assertEquals("127.0.0.1:2379", Sockets.addressText(v4, 16));
        byte[] v6 = new byte[28];
        v6[0] = 10;
        v6[2] = 0x09;
        v6[3] = 0x4b;
        v6[23] = 1; // ::1
        assertEquals("[0:0:0:0:0:0:0:1]:2379", Sockets.addressText(v6, 28));
        assertNull(Sockets.addressText(new byte[] {1, 0, '/', 't'}, 4), "a unix socket is not kept");

        // /proc/net/tcp: each 32-bit word in host order (x86_64, aarch64: little-endian), port in hex.
        assertEquals("0100007F:094B", OutsideSockets.procAddress("127.0.0.1:2379"));
        assertEquals("00000000000000000000000001000000:094B", OutsideSockets.procAddress("[0:0:0:0:0:0:0:1]:2379"));
    }
}
