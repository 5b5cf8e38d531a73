package dev.detsim.cli;

import static dev.detsim.cli.Programs.detsimCommand;
import static dev.detsim.cli.Programs.guest;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.detsim.recorder.OutsideArrival;
import dev.detsim.recorder.Recording;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 19: input from outside peers. A server under detsim record is used by clients outside the run (a Java
 * client here, etcdctl for etcd); replay plays those clients itself and the run is identical, three times,
 * with no client; a stand-in that sends other bytes makes replay stop at the read that got them. stdin's pieces
 * are kept with when each came, so a program that polls stdin with a timeout replays too.
 */
class OutsidePeersTest {
    @TempDir
    Path dir;

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** detsim record --out=out -- command in the background, stdout and stderr to files in dir. */
    private Process recordInBackground(Path out, String name, List<String> command) throws IOException {
        List<String> args = new ArrayList<>(List.of("record", "--out=" + out, "--"));
        args.addAll(command);
        return new ProcessBuilder(detsimCommand(args)).directory(dir.toFile())
                .redirectOutput(dir.resolve(name + ".out").toFile()).redirectError(dir.resolve(name + ".err").toFile())
                .start();
    }

    private Programs.Result finished(Process p, String name) throws Exception {
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("detsim record of " + name + " did not end:\n" + Files.readString(dir.resolve(name + ".err")));
        }
        return new Programs.Result(p.exitValue(), Files.readAllBytes(dir.resolve(name + ".out")),
                Files.readAllBytes(dir.resolve(name + ".err")));
    }

    /** A client that connects (retrying until the server listens), sends lines in pieces, reads the answers. */
    private static long client(int port, int number) throws Exception {
        Socket s = null;
        for (int i = 0; s == null; i++) {
            try {
                s = new Socket();
                s.connect(new InetSocketAddress("127.0.0.1", port));
            } catch (IOException e) {
                s = null;
                if (i > 400) throw e;
                Thread.sleep(50);
            }
        }
        long sent = 0;
        try (Socket conn = s) {
            OutputStream out = conn.getOutputStream();
            InputStream in = conn.getInputStream();
            for (int j = 0; j < 4; j++) {
                byte[] a = ("request " + number + "." + j + " par").getBytes(StandardCharsets.UTF_8);
                byte[] b = "t two\n".getBytes(StandardCharsets.UTF_8);
                out.write(a);
                out.flush();
                Thread.sleep(20); // the server's read may see the first piece alone
                out.write(b);
                out.flush();
                sent += a.length + b.length;
                byte[] reply = new byte[200];
                if (in.read(reply) <= 0) fail("no answer from the server");
                Thread.sleep(30);
            }
            conn.shutdownOutput();
            while (in.read(new byte[200]) > 0) {
                // the rest of the answers, until the server closes
            }
        }
        return sent;
    }

    @Test
    void aServerUsedByOutsideClientsReplaysWithoutThem() throws Exception {
        int port = freePort();
        Path rec = dir.resolve("server");
        Process record = recordInBackground(rec, "server", List.of(guest("tcp_echo_server").toAbsolutePath().toString(), "" + port, "2"));
        long sent = client(port, 0) + client(port, 1);
        Programs.Result recorded = finished(record, "server");
        assertEquals(0, recorded.status(), recorded.err());
        assertTrue(recorded.out().contains("client 1: 4 lines"), recorded.out());

        Recording r = Recording.open(rec);
        List<OutsideArrival> arrivals = r.outsideArrivals();
        assertEquals(sent, OutsideArrival.inputBytes(arrivals), "every byte the clients sent is kept");
        assertEquals(2, arrivals.stream().filter(a -> a.kind() == OutsideArrival.Kind.CONNECT).count());
        assertTrue(recordingBytes(rec) <= sent + 64 * 1024, "the issue's bound: outside input + 64 KiB");

        String digest = Recordings.replayedThreeTimes(rec, recorded); // no client: nothing else listens or connects
        assertTrue(r.manifest().outcome().digest().equals(digest));
    }

    @Test
    void aUnixSocketServerUsedByAnOutsideClientReplaysWithoutIt() throws Exception {
        Path socket = dir.resolve("echo.sock");
        Path rec = dir.resolve("server");
        Process record = recordInBackground(rec, "server", List.of(guest("tcp_echo_server").toAbsolutePath().toString(),
                socket.toString(), "1"));
        java.nio.channels.SocketChannel c = null;
        for (int i = 0; c == null; i++) {
            try {
                c = java.nio.channels.SocketChannel.open(java.net.UnixDomainSocketAddress.of(socket));
            } catch (IOException e) {
                if (i > 400) throw e;
                Thread.sleep(50);
            }
        }
        long sent = 0;
        try (var conn = c) {
            for (int j = 0; j < 3; j++) {
                for (String piece : new String[] {"request " + j + " par", "t two\n"}) {
                    sent += conn.write(java.nio.ByteBuffer.wrap(piece.getBytes(StandardCharsets.UTF_8)));
                    Thread.sleep(20);
                }
                if (conn.read(java.nio.ByteBuffer.allocate(200)) <= 0) fail("no answer from the server");
            }
            conn.shutdownOutput();
            while (conn.read(java.nio.ByteBuffer.allocate(200)) > 0) {
                // the rest, until the server closes
            }
        }
        Programs.Result recorded = finished(record, "server");
        assertEquals(0, recorded.status(), recorded.err());
        assertTrue(recorded.out().contains("client 0: 3 lines"), recorded.out());
        List<OutsideArrival> arrivals = Recording.open(rec).outsideArrivals();
        assertTrue(arrivals.stream().anyMatch(a -> a.kind() == OutsideArrival.Kind.CONNECT
                && a.listener().equals("unix:" + socket)), arrivals.toString());
        assertEquals(sent, OutsideArrival.inputBytes(arrivals), "every byte the client sent is kept");
        Recordings.replayedThreeTimes(rec, recorded); // the stand-in client connects to the replayed server's path
    }

    @Test
    void aStandInThatSendsOtherBytesPartsAtTheReadThatGotThem() throws Exception {
        int port = freePort();
        Path rec = dir.resolve("server");
        Process record = recordInBackground(rec, "server", List.of(guest("tcp_echo_server").toAbsolutePath().toString(), "" + port, "1"));
        client(port, 0);
        assertEquals(0, finished(record, "server").status());

        // One byte of the first data the client sent, changed; the recording is sealed again, so replay runs it.
        Programs.Result replay = Recordings.replayedWithFirstArrivalChanged(rec, OutsideArrival.Kind.DATA);
        Recordings.assertPartedAt(replay, "thread 1 syscall read\\(0x4,.*\\)=\\d+ wrote ", "the first read of the changed bytes is where it parts");
        assertTrue(Programs.noProcessRuns(guest("tcp_echo_server").toAbsolutePath().toString()), "no traced process is left");
    }

    @Test
    void etcdUsedByEtcdctlFromOutsideReplaysWithoutEtcdctl() throws Exception {
        int client = freePort(), peer = freePort();
        String clientUrl = "http://127.0.0.1:" + client, peerUrl = "http://127.0.0.1:" + peer;
        Path rec = dir.resolve("etcd");
        Process record = recordInBackground(rec, "etcd", List.of("etcd", "--name", "detsim", "--data-dir",
                dir.resolve("data").toString(), "--listen-client-urls", clientUrl, "--advertise-client-urls", clientUrl,
                "--listen-peer-urls", peerUrl, "--initial-advertise-peer-urls", peerUrl, "--initial-cluster",
                "detsim=" + peerUrl));
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!healthy(client)) {
                if (!record.isAlive() || System.nanoTime() > deadline) {
                    fail("etcd under detsim record not healthy:\n" + Files.readString(dir.resolve("etcd.err")));
                }
                Thread.sleep(250);
            }
            for (int i = 0; i < 3; i++) assertEquals("OK\n", ctl(client, "put", "key-" + i, "value-" + i).out());
            var get = ctl(client, "get", "key-", "--prefix", "--print-value-only");
            assertEquals("value-0\nvalue-1\nvalue-2\n", get.out(), get.err());
        } finally {
            Programs.signal(record, "TERM"); // kept too: replay sends it at the same point
        }
        Programs.Result recorded = finished(record, "etcd");
        assertEquals(143, recorded.status(), recorded.err());
        assertTrue(Recording.open(rec).outsideArrivals().stream().anyMatch(a -> a.kind() == OutsideArrival.Kind.SIGNAL));
        Recordings.replayedThreeTimes(rec, recorded);
    }

    @Test
    void aProgramPollingStdinWithATimeoutReplaysWhenEachPieceCame() throws Exception {
        Path rec = dir.resolve("stdin");
        List<String> args = new ArrayList<>(List.of("record", "--out=" + rec, "--",
                guest("stdin_poll").toAbsolutePath().toString()));
        Process record = new ProcessBuilder(detsimCommand(args)).directory(dir.toFile())
                .redirectOutput(dir.resolve("stdin.out").toFile()).redirectError(dir.resolve("stdin.err").toFile()).start();
        try (OutputStream in = record.getOutputStream()) {
            Thread.sleep(3000); // the program polls (its timeouts are virtual) while nothing has come
            for (int i = 0; i < 4; i++) {
                in.write(("line " + i + "\n").getBytes(StandardCharsets.UTF_8));
                in.flush();
                Thread.sleep(150);
                in.write("tail".getBytes(StandardCharsets.UTF_8));
                in.flush();
                Thread.sleep(50);
            }
        }
        Programs.Result recorded = finished(record, "stdin");
        assertEquals(0, recorded.status(), recorded.err());
        assertTrue(recorded.out().matches("\\d+ reads, 44 bytes, \\d+ timeouts; reads of( \\d+)+\n"), recorded.out());
        List<OutsideArrival> arrivals = Recording.open(rec).outsideArrivals();
        assertEquals(44, OutsideArrival.inputBytes(arrivals));
        assertTrue(arrivals.stream().filter(a -> a.kind() == OutsideArrival.Kind.STDIN).count() >= 2,
                "the pieces came at different points: " + arrivals);
        Recordings.replayedThreeTimes(rec, recorded); // replay's own stdin gives nothing: the recorded pieces do
    }

    private static boolean healthy(int port) {
        var r = ctl(port, "endpoint", "health");
        return r.out().contains("is healthy") || r.err().contains("is healthy");
    }

    private static Programs.Result ctl(int port, String... args) {
        List<String> cmd = new ArrayList<>(List.of("etcdctl", "--endpoints=127.0.0.1:" + port, "--command-timeout=10s"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("ETCDCTL_API", "3");
        return Programs.run(pb, null, Programs.DEFAULT_TIMEOUT);
    }

    private static long recordingBytes(Path rec) throws IOException {
        try (Stream<Path> files = Files.list(rec)) {
            long n = 0;
            for (Path f : files.toList()) n += Files.size(f);
            return n;
        }
    }
}
