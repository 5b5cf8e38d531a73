package dev.detsim.feasibility;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;

/** etcd 3.4 (Go, Raft key-value store), single node; writes and reads through its v3 JSON gateway. */
final class Etcd implements KeyValueServer {
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public String id() {
        return "etcd";
    }

    @Override
    public String title() {
        return "etcd (Go, Raft key-value store)";
    }

    @Override
    public String program() {
        return "etcd";
    }

    @Override
    public String debianPackage() {
        return "etcd-server";
    }

    @Override
    public List<String> command(Path program, Path dataDir, int clientPort, int peerPort) {
        String client = "http://127.0.0.1:" + clientPort;
        String peer = "http://127.0.0.1:" + peerPort;
        return List.of(program.toString(), "--name", "detsim", "--data-dir", dataDir.resolve("etcd").toString(),
                "--listen-client-urls", client, "--advertise-client-urls", client,
                "--listen-peer-urls", peer, "--initial-advertise-peer-urls", peer,
                "--initial-cluster", "detsim=" + peer);
    }

    @Override
    public boolean ready(HttpClient http, int port) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri(port, "/health")).timeout(REQUEST_TIMEOUT).build(),
                HttpResponse.BodyHandlers.ofString());
        return r.statusCode() == 200 && r.body().replace(" ", "").contains("\"health\":\"true\"");
    }

    @Override
    public void put(HttpClient http, int port, String key, String value) throws IOException, InterruptedException {
        HttpResponse<String> r = post(http, port, "/v3/kv/put",
                "{\"key\":\"" + base64(key) + "\",\"value\":\"" + base64(value) + "\"}");
        if (r.statusCode() != 200 || !r.body().contains("\"header\"")) {
            throw new IOException("put " + key + ": HTTP " + r.statusCode() + " " + clip(r.body()));
        }
    }

    @Override
    public String get(HttpClient http, int port, String key) throws IOException, InterruptedException {
        HttpResponse<String> r = post(http, port, "/v3/kv/range", "{\"key\":\"" + base64(key) + "\"}");
        if (r.statusCode() != 200) {
            throw new IOException("range " + key + ": HTTP " + r.statusCode() + " " + clip(r.body()));
        }
        JsonNode kvs = JSON.readTree(r.body()).path("kvs");
        if (!kvs.isArray() || kvs.isEmpty()) {
            return null;
        }
        return new String(Base64.getDecoder().decode(kvs.get(0).path("value").asText()), StandardCharsets.UTF_8);
    }

    private static HttpResponse<String> post(HttpClient http, int port, String path, String body)
            throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(uri(port, path)).timeout(REQUEST_TIMEOUT)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    static URI uri(int port, String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    private static String base64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    static String clip(String s) {
        String t = s.strip();
        return t.length() <= 200 ? t : t.substring(0, 200) + "...";
    }
}
