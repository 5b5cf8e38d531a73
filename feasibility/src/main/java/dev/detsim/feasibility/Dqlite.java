package dev.detsim.feasibility;

import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * dqlite-demo from go-dqlite (Go + cgo + libdqlite + SQLite, Raft-replicated; single node here): its HTTP API
 * stores a value with {@code PUT /KEY} (answers {@code done}) and returns it with {@code GET /KEY}.
 */
final class Dqlite implements KeyValueServer {
    private static final String MISSING = "Error: sql: no rows in result set";

    @Override
    public String id() {
        return "dqlite";
    }

    @Override
    public String title() {
        return "dqlite-demo (Go + cgo + SQLite, Raft)";
    }

    @Override
    public String program() {
        return "dqlite-demo";
    }

    @Override
    public String debianPackage() {
        return "go-dqlite";
    }

    @Override
    public List<String> command(Path program, Path dataDir, int clientPort, int peerPort) {
        return List.of(program.toString(), "--api", "127.0.0.1:" + clientPort, "--db", "127.0.0.1:" + peerPort,
                "--dir", dataDir.toString());
    }

    @Override
    public boolean ready(HttpClient http, int port) throws IOException, InterruptedException {
        // A read goes through the replicated database, so an answer means the node is up.
        HttpResponse<String> r = http.send(request(port, "detsim-ready").build(), HttpResponse.BodyHandlers.ofString());
        return r.statusCode() == 200;
    }

    @Override
    public void put(HttpClient http, int port, String key, String value) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(request(port, key).PUT(HttpRequest.BodyPublishers.ofString(value)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200 || !r.body().strip().equals("done")) {
            throw new IOException("PUT /" + key + ": HTTP " + r.statusCode() + " " + Etcd.clip(r.body()));
        }
    }

    @Override
    public String get(HttpClient http, int port, String key) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(request(port, key).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException("GET /" + key + ": HTTP " + r.statusCode() + " " + Etcd.clip(r.body()));
        }
        // The demo prints the value with a newline after it.
        String body = r.body().endsWith("\n") ? r.body().substring(0, r.body().length() - 1) : r.body();
        return body.equals(MISSING) ? null : body;
    }

    private static HttpRequest.Builder request(int port, String key) {
        return HttpRequest.newBuilder(Etcd.uri(port, "/" + URLEncoder.encode(key, StandardCharsets.UTF_8)))
                .timeout(Etcd.REQUEST_TIMEOUT);
    }
}
