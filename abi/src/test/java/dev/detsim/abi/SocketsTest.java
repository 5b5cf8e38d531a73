package dev.detsim.abi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Socket addresses as the outside section writes them, and back to the struct sockaddr a program reads. */
class SocketsTest {
    @Test
    void anIpv4AndAnIpv6AddressGoToTextAndBack() {
        for (String text : new String[] {"127.0.0.1:53", "192.168.1.200:65535", "[0:0:0:0:0:0:0:1]:5432",
                "[fe80:0:0:0:1:2:3:ff]:1"}) {
            byte[] raw = Sockets.addressBytes(text);
            assertEquals(text, Sockets.addressText(raw, raw.length));
        }
        byte[] v4 = Sockets.addressBytes("10.0.0.1:258");
        assertArrayEquals(new byte[] {2, 0, 1, 2, 10, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0}, v4, "AF_INET, port big-endian");
        assertEquals(28, Sockets.addressBytes("[0:0:0:0:0:0:0:1]:1").length, "struct sockaddr_in6");
        assertNull(Sockets.addressBytes("[::1]:1"), "only the eight-group form addressText writes");
    }

    @Test
    void aUnixAddressIsItsPathAndAnUnnamedOrAbstractOneIsTold() {
        byte[] path = new byte[110];
        path[0] = 1;
        byte[] name = "/run/x.sock".getBytes(StandardCharsets.UTF_8);
        System.arraycopy(name, 0, path, 2, name.length);
        assertEquals("unix:/run/x.sock", Sockets.unixText(path, path.length));
        assertEquals("unix:/run/x.sock", Sockets.unixText(path, 2 + name.length), "no terminating NUL");
        assertEquals("unix:", Sockets.unixText(new byte[] {1, 0}, 2), "unnamed");
        byte[] abstractName = Arrays.copyOf(new byte[] {1, 0, 0, 'a', 'b'}, 5);
        assertNull(Sockets.unixText(abstractName, 5), "abstract names are not kept");
        byte[] tab = Arrays.copyOf(path, 110);
        tab[3] = '\t';
        assertNull(Sockets.unixText(tab, 110), "a line could not hold it");
        assertNull(Sockets.unixText(Sockets.addressBytes("127.0.0.1:1"), 16), "not AF_UNIX");
    }
}
