package dev.detsim.cli;

import static dev.detsim.cli.Programs.detsimCommand;
import static dev.detsim.cli.Programs.nativeRun;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** etcd (Go, Raft key-value store, 7-9 threads) started under detsim, used with etcdctl from outside. */
class EtcdTest {
    @TempDir
    Path dir;

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static List<String> etcdctl(int port, String... args) {
        List<String> cmd = new ArrayList<>(List.of("etcdctl", "--endpoints=127.0.0.1:" + port, "--command-timeout=10s"));
        cmd.addAll(List.of(args));
        return cmd;
    }

    private static Programs.Result ctl(int port, String... args) {
        ProcessBuilder pb = new ProcessBuilder(etcdctl(port, args));
        pb.environment().putAll(Map.of("ETCDCTL_API", "3"));
        return Programs.run(pb, null, Programs.DEFAULT_TIMEOUT);
    }

    @Test
    void etcdServesPutAndGetUnderDetsim() throws Exception {
        int client = freePort();
        int peer = freePort();
        String clientUrl = "http://127.0.0.1:" + client;
        String peerUrl = "http://127.0.0.1:" + peer;
        List<String> cmd = new ArrayList<>(detsimCommand(List.of("run", "--")));
        cmd.addAll(List.of("etcd", "--name", "detsim", "--data-dir", dir.resolve("data").toString(),
                "--listen-client-urls", clientUrl, "--advertise-client-urls", clientUrl,
                "--listen-peer-urls", peerUrl, "--initial-advertise-peer-urls", peerUrl,
                "--initial-cluster", "detsim=" + peerUrl));
        Path log = dir.resolve("etcd.log");
        Process etcd = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!ctl(client, "endpoint", "health").out().contains("is healthy")
                    && !ctl(client, "endpoint", "health").err().contains("is healthy")) {
                if (!etcd.isAlive()) fail("etcd under detsim exited early:\n" + Files.readString(log));
                if (System.nanoTime() > deadline) fail("etcd under detsim not healthy in 60 s:\n" + Files.readString(log));
                Thread.sleep(250);
            }
            for (int i = 0; i < 20; i++) {
                var put = ctl(client, "put", "key-" + i, "value-" + i);
                assertEquals("OK\n", put.out(), put.err());
            }
            var get = ctl(client, "get", "key-", "--prefix", "--print-value-only");
            assertEquals(0, get.status(), get.err());
            List<String> values = get.out().lines().sorted().toList();
            assertEquals(20, values.size(), get.out());
            assertTrue(values.contains("value-7"), get.out());
            var del = ctl(client, "del", "key-3");
            assertEquals("1\n", del.out());
        } finally {
            // An early exit would otherwise hide behind kill's failure (and hide what went wrong before it).
            if (!etcd.isAlive()) fail("etcd under detsim exited before SIGTERM:\n" + Files.readString(log));
            Programs.signal(etcd, "TERM"); // forwarded to etcd, which shuts down
            if (!etcd.waitFor(60, TimeUnit.SECONDS)) {
                etcd.destroyForcibly();
                fail("etcd under detsim did not stop on SIGTERM");
            }
        }
        // etcd re-raises SIGTERM after its graceful shutdown: natively its status is 143 too.
        assertEquals(143, etcd.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
        assertTrue(Files.readString(log).contains("received terminated signal, shutting down"));
        assertTrue(nativeRun(List.of("etcd", "--version"), null).out().contains("etcd Version"));
    }
}
