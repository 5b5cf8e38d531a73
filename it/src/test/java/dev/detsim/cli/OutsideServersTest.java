package dev.detsim.cli;

import static dev.detsim.cli.Programs.guest;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.detsim.recorder.OutsideArrival;
import dev.detsim.recorder.Recording;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 19: a program under detsim record that connects to a server outside the run (TCP over IPv4 and IPv6, a
 * unix stream socket). The
 * recording keeps what the server sent and when; replay stands in for the server (it listens at the recorded
 * address) and the run is identical three times with no server running. A stand-in that sends other bytes makes
 * replay part at the read that got them; a recorded server address that is taken at replay is one line.
 */
class OutsideServersTest {
    @TempDir
    Path dir;

    /**
     * A server outside the run, on host: greets in two pieces, reads the client's answer, sends three lines
     * apart in time, closes. Returns its port and, when done, the bytes it sent.
     */
    private static Map.Entry<Integer, CompletableFuture<Long>> server(String host) throws IOException {
        ServerSocketChannel l = ServerSocketChannel.open();
        l.setOption(java.net.StandardSocketOptions.SO_REUSEADDR, true);
        l.bind(new InetSocketAddress(InetAddress.getByName(host), 0));
        return Map.entry(((InetSocketAddress) l.getLocalAddress()).getPort(), serve(l));
    }

    /** The server's work on listener l, in the background; the bytes it sent. */
    private static CompletableFuture<Long> serve(ServerSocketChannel l) {
        return CompletableFuture.supplyAsync(() -> {
            try (ServerSocketChannel listener = l; SocketChannel c = listener.accept()) {
                OutputStream out = Channels.newOutputStream(c);
                InputStream in = Channels.newInputStream(c);
                long n = 0;
                for (String piece : new String[] {"welcome to ", "the test server\n"}) {
                    out.write(piece.getBytes(StandardCharsets.UTF_8));
                    out.flush();
                    n += piece.length();
                    Thread.sleep(100);
                }
                byte[] answer = new byte[100];
                if (in.read(answer) <= 0) throw new IOException("no answer");
                for (int i = 0; i < 3; i++) {
                    Thread.sleep(150);
                    byte[] line = ("item " + i + " of the answer\n").getBytes(StandardCharsets.UTF_8);
                    out.write(line);
                    out.flush();
                    n += line.length;
                }
                return n;
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
    }

    private Programs.Result recordClient(Path rec, String host, int port) {
        return Recordings.record(dir, rec, null, "--", guest("greeting_client").toAbsolutePath().toString(), host,
                "" + port);
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "::1"})
    void aClientOfAnOutsideServerReplaysWithoutIt(String host) throws Exception {
        var server = server(host);
        Path rec = dir.resolve("client");
        Programs.Result recorded = recordClient(rec, host, server.getKey());
        long sent = server.getValue().get(60, TimeUnit.SECONDS);
        assertEquals(0, recorded.status(), recorded.err());
        assertTrue(recorded.out().startsWith("greeting: welcome to the test server\n63 more bytes"), recorded.out());

        List<OutsideArrival> arrivals = Recording.open(rec).outsideArrivals();
        List<OutsideArrival> dials = arrivals.stream().filter(a -> a.kind() == OutsideArrival.Kind.DIAL).toList();
        assertEquals(1, dials.size(), arrivals.toString());
        assertTrue(dials.get(0).listener().endsWith(":" + server.getKey()), dials.toString());
        assertEquals(sent, OutsideArrival.inputBytes(arrivals), "every byte the server sent is kept");
        assertTrue(arrivals.stream().anyMatch(a -> a.kind() == OutsideArrival.Kind.EOF), "and its close");
        assertTrue(recordingBytes(rec) <= sent + 64 * 1024, "the issue's bound: outside input + 64 KiB");

        Recordings.replayedThreeTimes(rec, recorded); // the server is gone: detsim stands in for it
    }

    @Test
    void aClientOfAnOutsideUnixSocketServerReplaysWithoutIt() throws Exception {
        Path socket = dir.resolve("server.sock");
        ServerSocketChannel l = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        l.bind(UnixDomainSocketAddress.of(socket));
        CompletableFuture<Long> served = serve(l);
        Path rec = dir.resolve("client");
        Programs.Result recorded = Recordings.record(dir, rec, null, "--",
                guest("greeting_client").toAbsolutePath().toString(), "unix", socket.toString());
        long sent = served.get(60, TimeUnit.SECONDS);
        Files.delete(socket); // the server is gone, as servers that clean up leave it
        assertEquals(0, recorded.status(), recorded.err());
        List<OutsideArrival> arrivals = Recording.open(rec).outsideArrivals();
        assertTrue(arrivals.stream().anyMatch(a -> a.kind() == OutsideArrival.Kind.DIAL
                && a.listener().equals("unix:" + socket)), arrivals.toString());
        assertEquals(sent, OutsideArrival.inputBytes(arrivals), "every byte the server sent is kept");

        Recordings.replayedThreeTimes(rec, recorded);
        assertFalse(Files.exists(socket), "replay's stand-in removed the socket it listened at");
    }

    @Test
    void aStandInServerThatSendsOtherBytesPartsAtTheReadThatGotThem() throws Exception {
        var server = server("127.0.0.1");
        Path rec = dir.resolve("client");
        assertEquals(0, recordClient(rec, "127.0.0.1", server.getKey()).status());
        server.getValue().get(60, TimeUnit.SECONDS);

        Programs.Result replay = Recordings.replayedWithFirstArrivalChanged(rec, OutsideArrival.Kind.DATA);
        Recordings.assertPartedAt(replay, "thread 1 syscall read\\(0x3,.*\\)=1 wrote ", "the first read of the changed byte is where it parts");
        assertTrue(Programs.noProcessRuns(guest("greeting_client").toAbsolutePath().toString()), "no traced process is left");
    }

    @Test
    void aServerAddressTakenAtReplayIsOneLine() throws Exception {
        var server = server("127.0.0.1");
        Path rec = dir.resolve("client");
        assertEquals(0, recordClient(rec, "127.0.0.1", server.getKey()).status());
        server.getValue().get(60, TimeUnit.SECONDS);
        try (ServerSocket squatter = new ServerSocket()) {
            squatter.setReuseAddress(true);
            squatter.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), server.getKey()));
            var replay = Recordings.detsim(Path.of("/"), null, "replay", rec.toString());
            assertEquals(2, replay.status(), replay.err());
            assertEquals("detsim: replay: cannot stand in for the outside server at 127.0.0.1:" + server.getKey(),
                    replay.err().substring(0, replay.err().indexOf(" (")), replay.err());
            assertEquals(1, replay.err().lines().count(), replay.err());
            assertFalse(replay.out().contains("greeting"), "nothing ran");
        }
    }

    private static long recordingBytes(Path rec) throws IOException {
        try (Stream<Path> files = Files.list(rec)) {
            long n = 0;
            for (Path f : files.toList()) n += Files.size(f);
            return n;
        }
    }
}
