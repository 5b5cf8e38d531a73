package dev.detsim.feasibility;

import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.util.List;

/** A Go database server from Debian that stands in for CockroachDB, spoken to over HTTP on loopback. */
interface KeyValueServer {
    /** Row id prefix: {@code etcd}, {@code dqlite}. */
    String id();

    /** In words, for the report. */
    String title();

    /** The program looked up on PATH. */
    String program();

    /** The Debian package that provides it. */
    String debianPackage();

    /** The command line of a single-node server with its data in {@code dataDir}. */
    List<String> command(Path program, Path dataDir, int clientPort, int peerPort);

    /** True once the server answers a request that needs its database. */
    boolean ready(HttpClient http, int clientPort) throws IOException, InterruptedException;

    /** Writes {@code value} under {@code key}; throws with a message if the server did not accept it. */
    void put(HttpClient http, int clientPort, String key, String value) throws IOException, InterruptedException;

    /** Reads the value under {@code key}, or null if there is none. */
    String get(HttpClient http, int clientPort, String key) throws IOException, InterruptedException;
}
