package dev.detsim.cli;

import static dev.detsim.cli.Programs.guest;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.detsim.recorder.OutsideArrival;
import dev.detsim.recorder.Recording;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 19: a program under detsim record that gets UDP datagrams from a server outside the run (IPv4, IPv6),
 * read with recvfrom, read and recvmsg. The recording keeps each datagram with its source and look; replay sends
 * them itself and the run is identical three times with no server. A stand-in that sends another datagram makes
 * replay part at the read that got it.
 */
class OutsideDatagramsTest {
    @TempDir
    Path dir;

    /** A UDP server outside the run: answers each of three queries after 100 ms, the last twice. */
    private static Map.Entry<Integer, CompletableFuture<Long>> server(String host) throws Exception {
        DatagramChannel c = DatagramChannel.open();
        c.bind(new InetSocketAddress(InetAddress.getByName(host), 0));
        CompletableFuture<Long> sent = CompletableFuture.supplyAsync(() -> {
            try (DatagramChannel s = c) {
                long n = 0;
                for (int i = 0; i < 3; i++) {
                    ByteBuffer q = ByteBuffer.allocate(100);
                    SocketAddress from = s.receive(q);
                    Thread.sleep(100);
                    q.flip();
                    byte[] answer = ("answer to " + StandardCharsets.UTF_8.decode(q)).getBytes(StandardCharsets.UTF_8);
                    n += s.send(ByteBuffer.wrap(answer), from);
                    if (i == 2) {
                        Thread.sleep(50);
                        n += s.send(ByteBuffer.wrap("and one more".getBytes(StandardCharsets.UTF_8)), from);
                    }
                }
                return n;
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        return Map.entry(((InetSocketAddress) c.getLocalAddress()).getPort(), sent);
    }

    private Programs.Result recordClient(Path rec, String host, int port) {
        return Recordings.record(dir, rec, null, "--", guest("udp_client").toAbsolutePath().toString(), host, "" + port,
                "4");
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "::1"})
    void aUdpClientReplaysWithoutItsServer(String host) throws Exception {
        var server = server(host);
        Path rec = dir.resolve("client");
        Programs.Result recorded = recordClient(rec, host, server.getKey());
        long sent = server.getValue().get(60, TimeUnit.SECONDS);
        assertEquals(0, recorded.status(), recorded.err());
        assertTrue(recorded.out().contains("answer 3: and one more (12 bytes) from " + host + " port known"),
                recorded.out());

        List<OutsideArrival> arrivals = Recording.open(rec).outsideArrivals();
        assertEquals(1, arrivals.stream().filter(a -> a.kind() == OutsideArrival.Kind.UDP).count(), arrivals.toString());
        assertEquals(4, arrivals.stream().filter(a -> a.kind() == OutsideArrival.Kind.DATAGRAM
                && a.listener().endsWith(":" + server.getKey())).count(), arrivals.toString());
        assertEquals(sent, OutsideArrival.inputBytes(arrivals), "every byte the server sent is kept");

        Recordings.replayedThreeTimes(rec, recorded); // the server is gone: detsim sends the datagrams
    }

    @Test
    void aStandInThatSendsAnotherDatagramPartsAtTheReadThatGotIt() throws Exception {
        var server = server("127.0.0.1");
        Path rec = dir.resolve("client");
        assertEquals(0, recordClient(rec, "127.0.0.1", server.getKey()).status());
        server.getValue().get(60, TimeUnit.SECONDS);

        Programs.Result replay = Recordings.replayedWithFirstArrivalChanged(rec, OutsideArrival.Kind.DATAGRAM);
        Recordings.assertPartedAt(replay, "thread 1 syscall recvfrom\\(0x3,.*\\)=17 wrote ", "the read of the changed datagram is where it parts");
        assertTrue(Programs.noProcessRuns(guest("udp_client").toAbsolutePath().toString()),
                "no traced process is left");
    }
}
