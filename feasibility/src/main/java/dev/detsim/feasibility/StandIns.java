package dev.detsim.feasibility;

import dev.detsim.feasibility.Measurement.Kind;
import dev.detsim.feasibility.Side.Ending;
import dev.detsim.feasibility.Side.Where;
import dev.detsim.targets.cockroach.CockroachNode;
import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The stand-ins for CockroachDB when no cockroach binary is given: etcd and dqlite-demo, each started as a
 * single node natively and under detsim, timed from launch to its first good answer, then given N writes and N
 * reads over HTTP (each read checked against what was written), timed one by one from outside, then stopped.
 * Four rows per server: start-up (with thread counts), the basic-operations check, and write and read latency.
 */
final class StandIns implements Probe {
    static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
    static final String NATIVE_THREADS = "/proc/PID/status Threads, sampled after the workload";

    private final List<KeyValueServer> servers;

    StandIns(List<KeyValueServer> servers) {
        this.servers = List.copyOf(servers);
    }

    StandIns() {
        this(List.of(new Etcd(), new Dqlite()));
    }

    @Override
    public int steps(Context c) {
        return 2 * servers.size();
    }

    @Override
    public List<Measurement> run(Context c) throws InterruptedException {
        List<Measurement> rows = new ArrayList<>();
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        for (KeyValueServer s : servers) {
            rows.addAll(measure(c, http, s));
        }
        return rows;
    }

    /** One side's server run: the process's side, and what the workload saw. */
    record ServerRun(Side side, long[] puts, long[] gets, String error) {
        boolean opsOk() {
            return error == null && side.ending().good();
        }
    }

    private List<Measurement> measure(Context c, HttpClient http, KeyValueServer s) throws InterruptedException {
        Path program = GoToolchain.which(s.program(), c.options().env());
        String what = label(s, c);
        if (program == null || c.budget().exhausted()) {
            String reason = program == null ? "not run: " + s.program() + " not found on PATH (apt-get install "
                    + s.debianPackage() + ")" : c.budget().exhaustedReason();
            GoBenchmarks.skip(c, what, reason, Where.values());
            return rows(s, c, null, null, reason);
        }
        ServerRun nat = serve(c, http, s, program, Where.NATIVE);
        String detNotRun = !nat.opsOk() ? "skipped: it failed natively"
                : c.budget().exhausted() ? c.budget().exhaustedReason() : null;
        ServerRun det = null;
        if (detNotRun != null) {
            GoBenchmarks.skip(c, what, detNotRun, Where.DETSIM);
        } else {
            det = serve(c, http, s, program, Where.DETSIM);
        }
        return rows(s, c, nat, det, detNotRun);
    }

    private static List<Measurement> rows(KeyValueServer s, Context c, ServerRun nat, ServerRun det, String notRun) {
        String id = s.id();
        int n = c.sizes().kvOps();
        Map<String, String> params = Map.of("operations", "" + n);
        if (nat == null) {
            return List.of(
                    Measurement.notRun(id + ".start", id, s.title() + ": start-up to first answer", Kind.WALL_TIME,
                            Set.of(), Measurement.HARNESS_CLOCK, notRun),
                    Measurement.notRun(id + ".basic", id, s.title() + ": writes and reads, each read checked",
                            Kind.CHECK, Set.of(Threshold.BASIC_OPERATIONS), null, notRun),
                    Measurement.notRun(id + ".put", id, s.title() + ": write latency", Kind.LATENCY,
                            Set.of(Threshold.DEGRADATION), Measurement.HARNESS_CLOCK, notRun),
                    Measurement.notRun(id + ".get", id, s.title() + ": read latency", Kind.LATENCY,
                            Set.of(Threshold.DEGRADATION), Measurement.HARNESS_CLOCK, notRun));
        }
        List<Measurement> rows = new ArrayList<>();
        List<Side> sides = det == null ? List.of(nat.side()) : List.of(nat.side(), det.side());
        Side detSide = det == null ? null : det.side();
        Rows.Outcome started = Rows.compare(nat.side(), detSide, notRun, x -> x.ending().good() && x.wallNanos() != null);
        rows.add(new Measurement(id + ".start", id, s.title() + ": start-up to first answer", Kind.WALL_TIME, Set.of(),
                started.status(), started.reason(), Measurement.HARNESS_CLOCK, "launch to the first good answer",
                Map.of(), sides, List.of("under detsim this includes detsim's own start-up (a JVM)")));
        Rows.Outcome basic = Rows.compare(nat.side(), detSide, notRun,
                x -> x.ending().good() && "ok".equals(x.details().get("operations")));
        rows.add(new Measurement(id + ".basic", id, s.title() + ": writes and reads, each read checked", Kind.CHECK,
                Set.of(Threshold.BASIC_OPERATIONS), basic.status(), basic.reason(), null, null, params, sides,
                List.of(n + " writes, then " + n + " reads of the same keys, every value read back as written"
                        + " (after " + warmUp(n) + " untimed writes and reads to warm up)")));
        rows.add(latencyRow(s, "put", "write latency", nat, det, r -> r.puts(), notRun, params));
        rows.add(latencyRow(s, "get", "read latency", nat, det, r -> r.gets(), notRun, params));
        return rows;
    }

    private static Measurement latencyRow(KeyValueServer s, String op, String what, ServerRun nat, ServerRun det,
            java.util.function.Function<ServerRun, long[]> samples, String notRun, Map<String, String> params) {
        Side n = withLatency(nat, samples);
        Side d = det == null ? null : withLatency(det, samples);
        Rows.Outcome o = Rows.compare(n, d, notRun, x -> x.ending().good() && x.latency() != null
                && "ok".equals(x.details().get("operations")));
        return new Measurement(s.id() + "." + op, s.id(), s.title() + ": " + what, Kind.LATENCY,
                Set.of(Threshold.DEGRADATION), o.status(), o.reason(), Measurement.HARNESS_CLOCK,
                "one HTTP request over loopback, timed by the client (keep-alive connection)", params,
                d == null ? List.of(n) : List.of(n, d), List.of());
    }

    private static Side withLatency(ServerRun r, java.util.function.Function<ServerRun, long[]> samples) {
        long[] s = samples.apply(r);
        return s.length == 0 ? r.side() : r.side().withLatency(Latency.of(s));
    }

    /** Starts the server on one side, waits for it, runs the workload, stops it. */
    private ServerRun serve(Context c, HttpClient http, KeyValueServer s, Path program, Where where)
            throws InterruptedException {
        c.progress().start(label(s, c) + " " + Rows.how(where));
        Runs.Started started;
        int[] ports;
        List<String> cmd = List.of(program.toString());
        try {
            ports = CockroachNode.freeLoopbackPorts(2);
            Path data = c.runs().freshDir(s.id());
            cmd = s.command(program, data, ports[0], ports[1]);
            started = c.runs().start(where, s.id() + "." + where.json(), cmd, List.of(), data);
        } catch (IOException e) {
            Side side = Runs.notStarted(where, cmd, e).side();
            c.progress().end(Rows.describe(side));
            return new ServerRun(side, new long[0], new long[0], "could not start: " + e.getMessage());
        }
        Long startup = awaitReady(c, http, s, started, ports[0]);
        long[] puts = new long[0];
        long[] gets = new long[0];
        String error = startup == null ? "not ready" : null;
        Integer nativeThreads = null;
        if (startup != null) {
            int n = c.sizes().kvOps();
            puts = new long[n];
            gets = new long[n];
            int[] done = new int[2];
            error = workload(http, s, ports[0], puts, gets, done);
            puts = Arrays.copyOf(puts, done[0]);
            gets = Arrays.copyOf(gets, done[1]);
            if (where == Where.NATIVE) {
                nativeThreads = threadsOf(started.handle.pid());
            }
        }
        Runs.Finished f = started.stop();
        Side side = f.side();
        if (startup == null && side.ending() == Ending.STOPPED) {
            side = c.budget().exhausted()
                    ? side.withEnding(Ending.OUT_OF_TIME).withNote("stopped when the run's time budget ran out")
                    : side.withEnding(Ending.HUNG).withNote("no good answer within " + READY_TIMEOUT.toSeconds()
                            + " s of the launch");
        }
        side = side.withWallNanos(startup).withDetail("operations", error == null ? "ok" : "failed");
        if (error != null && side.note() == null) {
            side = side.withNote(error);
        }
        if (nativeThreads != null) {
            side = side.withThreads(nativeThreads, NATIVE_THREADS);
        }
        c.progress().end(error == null ? "ready in " + Format.nanos(startup) + "; writes p50 "
                + Format.nanos(Latency.of(puts).p50()) + ", reads p50 " + Format.nanos(Latency.of(gets).p50())
                + "; threads " + side.threads() : Rows.describe(side));
        return new ServerRun(side, puts, gets, error);
    }

    private static String label(KeyValueServer s, Context c) {
        return s.id() + ": start, " + c.sizes().kvOps() + " writes and " + c.sizes().kvOps() + " reads";
    }

    /** Nanoseconds from the launch to the first good answer, or null if none came in time (or it died). */
    private static Long awaitReady(Context c, HttpClient http, KeyValueServer s, Runs.Started started, int port)
            throws InterruptedException {
        Duration timeout = c.budget().cap(READY_TIMEOUT);
        long deadline = started.t0 + timeout.toNanos();
        while (System.nanoTime() < deadline && started.handle.isAlive()) {
            try {
                if (s.ready(http, port)) {
                    return System.nanoTime() - started.t0;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(50);
        }
        return null;
    }

    /**
     * n writes, then n reads of the same keys, after {@link #warmUp} untimed writes and reads of other keys; the
     * first failure ends it and is returned (null: all good).
     */
    static String workload(HttpClient http, KeyValueServer s, int port, long[] puts, long[] gets, int[] done)
            throws InterruptedException {
        int n = puts.length;
        try {
            for (int i = 0; i < warmUp(n); i++) {
                s.put(http, port, "warm-up-" + i, value(i));
                if (!value(i).equals(s.get(http, port, "warm-up-" + i))) {
                    return "warm-up read of warm-up-" + i + " did not return what was written";
                }
            }
            for (int i = 0; i < n; i++) {
                long t0 = System.nanoTime();
                s.put(http, port, key(i), value(i));
                puts[i] = System.nanoTime() - t0;
                done[0] = i + 1;
            }
            for (int i = 0; i < n; i++) {
                int k = (int) ((i * 7919L) % n); // not in write order
                long t0 = System.nanoTime();
                String v = s.get(http, port, key(k));
                gets[i] = System.nanoTime() - t0;
                done[1] = i + 1;
                if (!value(k).equals(v)) {
                    return "read of " + key(k) + " returned " + (v == null ? "nothing" : "'" + Etcd.clip(v) + "'")
                            + ", wrote '" + value(k) + "'";
                }
            }
            return null;
        } catch (IOException e) {
            return "request failed: " + e;
        }
    }

    /**
     * Untimed operations before the timed ones, so that neither side pays alone for a cold connection, cold
     * server caches or the harness's HTTP client being compiled by the JIT (the native run always comes first).
     */
    static int warmUp(int n) {
        return Math.max(100, n / 10);
    }

    static String key(int i) {
        return "detsim-feasibility-" + i;
    }

    static String value(int i) {
        return "value " + i + " of the feasibility run";
    }

    /** Threads: from /proc/PID/status, or null. */
    static Integer threadsOf(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", "" + pid, "status"))) {
                if (line.startsWith("Threads:")) {
                    return Integer.valueOf(line.substring(8).strip());
                }
            }
        } catch (IOException | NumberFormatException e) {
            // the process is gone
        }
        return null;
    }
}
