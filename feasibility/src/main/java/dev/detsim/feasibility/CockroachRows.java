package dev.detsim.feasibility;

import dev.detsim.feasibility.Measurement.Kind;
import dev.detsim.feasibility.Side.Ending;
import dev.detsim.feasibility.Side.Where;
import dev.detsim.targets.cockroach.CockroachBinary;
import dev.detsim.targets.cockroach.CockroachNode;
import dev.detsim.targets.cockroach.SqlWorkload;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The plan's tasks 1.1 and 1.2 for a real CockroachDB, natively and under detsim: {@code cockroach version} (wall
 * time, the tracer's peak thread count), a single-node start (time to readiness, thread counts), the basic SQL
 * workload (create, insert, select, update, a committed and a rolled-back transaction, drop) and N upserts and N
 * point selects timed one by one from outside. Without a binary every row is there, not run, with the reason.
 */
final class CockroachRows implements Probe {
    static final Duration VERSION_TIMEOUT = Duration.ofSeconds(60);
    static final Duration READY_TIMEOUT = Duration.ofSeconds(120);

    static final String VERSION = "cockroach.version";
    static final String START = "cockroach.start";
    static final String SQL_BASIC = "cockroach.sql.basic";
    static final String SQL_UPSERT = "cockroach.sql.upsert";
    static final String SQL_SELECT = "cockroach.sql.select";

    @Override
    public int steps(Context c) {
        return 4;
    }

    @Override
    public List<Measurement> run(Context c) throws InterruptedException {
        if (!(c.options().cockroach() instanceof CockroachBinary.Found found)) {
            String reason = ((CockroachBinary.NotFound) c.options().cockroach()).reason();
            GoBenchmarks.skip(c, "cockroach version", reason, Where.values());
            GoBenchmarks.skip(c, "cockroach start-single-node and SQL", reason, Where.values());
            return notRun(reason);
        }
        Path binary = found.path();
        Side[] version = new Side[2];
        NodeRun[] node = new NodeRun[2];
        for (Where where : Where.values()) {
            if (c.budget().exhausted()) {
                GoBenchmarks.skip(c, "cockroach version", c.budget().exhaustedReason(), where);
            } else {
                version[where.ordinal()] = version(c, binary, where);
            }
        }
        for (Where where : Where.values()) {
            if (c.budget().exhausted()) {
                GoBenchmarks.skip(c, "cockroach start-single-node and SQL", c.budget().exhaustedReason(), where);
            } else {
                node[where.ordinal()] = node(c, binary, where);
            }
        }
        return rows(c, version, node);
    }

    static List<Measurement> notRun(String reason) {
        return List.of(
                Measurement.notRun(VERSION, "cockroach", "cockroach version", Kind.WALL_TIME,
                        Set.of(Threshold.STABILITY), Measurement.HARNESS_CLOCK, reason),
                Measurement.notRun(START, "cockroach", "cockroach start-single-node to readiness", Kind.WALL_TIME,
                        Set.of(), Measurement.HARNESS_CLOCK, reason),
                Measurement.notRun(SQL_BASIC, "cockroach", "basic SQL: create, insert, select, update, commit,"
                        + " rollback, drop", Kind.CHECK, Set.of(Threshold.BASIC_OPERATIONS), null, reason),
                Measurement.notRun(SQL_UPSERT, "cockroach", "SQL upsert latency", Kind.LATENCY,
                        Set.of(Threshold.DEGRADATION), Measurement.HARNESS_CLOCK, reason),
                Measurement.notRun(SQL_SELECT, "cockroach", "SQL point select latency", Kind.LATENCY,
                        Set.of(Threshold.DEGRADATION), Measurement.HARNESS_CLOCK, reason));
    }

    private static Side version(Context c, Path binary, Where where) throws InterruptedException {
        c.progress().start("cockroach version " + Rows.how(where));
        String name = VERSION + "." + where.json();
        Path stats = c.runs().statsFile(name);
        List<String> cmd = List.of(binary.toString(), "version");
        List<String> line = c.runs().commandLine(where, stats, List.of(), cmd);
        Side side;
        try {
            CockroachNode.VersionResult r = CockroachNode.version(binary, c.runs().launcher(where, stats, List.of()),
                    c.runs().freshDir("cockroach-version"), c.budget().cap(VERSION_TIMEOUT));
            Ending ending = r.timedOut() ? Ending.HUNG : r.exitCode() == 0 ? Ending.OK : Runs.endingOf(r.exitCode());
            side = new Side(where, line, ending, r.timedOut() ? null : r.exitCode(), r.wallNanos(), null, null, null,
                    null, ending.good() ? null : Runs.lastLines(r.output()), Map.of());
            String tag = r.output().lines().filter(l -> l.startsWith("Build Tag:")).findFirst().orElse(null);
            if (tag != null) {
                side = side.withDetail("build_tag", tag.substring("Build Tag:".length()).strip());
            }
        } catch (IOException e) {
            side = Runs.notStarted(where, line, e).side();
        }
        side = withStats(side, stats);
        c.progress().end(side.ending().good() ? "ok in " + Format.nanos(side.wallNanos())
                + (side.threads() == null ? "" : "; peak threads " + side.threads()) : Rows.describe(side));
        return side;
    }

    /** One side's node: its side (start-up, threads), and the two workloads' outcomes (null if it never started). */
    record NodeRun(Side side, SqlWorkload.Result basic, SqlWorkload.LatencyResult latency) {}

    private static NodeRun node(Context c, Path binary, Where where) throws InterruptedException {
        int n = c.sizes().sqlOps();
        c.progress().start("cockroach start-single-node, basic SQL, " + n + " upserts and " + n + " point selects "
                + Rows.how(where));
        String name = START + "." + where.json();
        Path stats = c.runs().statsFile(name);
        List<String> line = c.runs().commandLine(where, stats, List.of(),
                List.of(binary.toString(), "start-single-node", "..."));
        CockroachNode node;
        try {
            node = CockroachNode.start(binary, c.runs().launcher(where, stats, List.of()),
                    c.runs().freshDir("cockroach"), c.budget().cap(READY_TIMEOUT));
        } catch (CockroachNode.StartException e) {
            // CockroachNode says "did not write a postgres:// URL ... within T" for a node that never got ready.
            boolean late = e.getMessage() != null && e.getMessage().contains(" within ");
            Ending ending = !late ? Ending.FAILED : c.budget().exhausted() ? Ending.OUT_OF_TIME : Ending.HUNG;
            Side side = new Side(where, line, ending, null, null, null, null, null, null, Etcd.clip(e.getMessage()),
                    Map.of());
            c.progress().end(Rows.describe(side));
            return new NodeRun(withStats(side, stats), null, null);
        } catch (IOException e) {
            Side side = Runs.notStarted(where, line, e).side();
            c.progress().end(Rows.describe(side));
            return new NodeRun(side, null, null);
        }
        line = c.runs().commandLine(where, stats, List.of(), node.command());
        // Stopping the node ends any statement still waiting on it: the budget holds even if SQL hangs.
        ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "feasibility-watchdog");
            t.setDaemon(true);
            return t;
        });
        AtomicBoolean outOfTime = new AtomicBoolean();
        watchdog.schedule(() -> {
            outOfTime.set(true);
            node.close();
        }, c.budget().remaining().toMillis(), TimeUnit.MILLISECONDS);
        SqlWorkload.Result basic;
        SqlWorkload.LatencyResult latency;
        Integer nativeThreads = null;
        try {
            Properties p = new Properties();
            p.setProperty("socketTimeout", "60");
            SqlWorkload w = new SqlWorkload(node.jdbcUrl(), p);
            basic = w.run();
            w.runLatency(Math.max(100, n / 10)); // untimed warm-up, as for the stand-ins
            latency = w.runLatency(n);
            if (where == Where.NATIVE) {
                nativeThreads = StandIns.threadsOf(node.pid());
            }
        } finally {
            watchdog.shutdownNow();
        }
        Ending ending = Ending.STOPPED;
        String note = null;
        if (outOfTime.get()) {
            ending = Ending.OUT_OF_TIME;
            note = "stopped when the run's time budget ran out";
        } else if (!node.isAlive()) {
            ending = Ending.CRASHED;
            note = "exited before the harness stopped it; log tail: " + String.join(" | ", node.logTail(3));
        } else {
            try {
                if (node.stop(Runs.STOP_GRACE).killed()) {
                    ending = Ending.HUNG;
                    note = "did not exit within " + Runs.STOP_GRACE.toSeconds() + " s of SIGTERM (killed)";
                }
            } finally {
                node.close();
            }
        }
        Side side = new Side(where, line, ending, null, node.readyNanos(), null, nativeThreads,
                nativeThreads == null ? null : StandIns.NATIVE_THREADS, null, note, Map.of());
        side = withStats(side, stats).withDetail("basic_sql", basic.allOk() ? "ok" : "failed");
        c.progress().end("ready in " + Format.nanos(node.readyNanos()) + "; basic SQL "
                + (basic.allOk() ? "ok" : "FAILED") + "; upserts " + latency.upsertNanos().length + ", selects "
                + latency.pointSelectNanos().length);
        return new NodeRun(side, basic, latency);
    }

    private static Side withStats(Side side, Path stats) {
        DetsimStats st = side.where() == Where.DETSIM ? DetsimStats.read(stats) : null;
        return st == null ? side : side.withThreads((int) st.peakLiveThreads(), DetsimStats.THREADS_SOURCE);
    }

    private static List<Measurement> rows(Context c, Side[] version, NodeRun[] node) {
        String budget = c.budget().exhaustedReason();
        List<Measurement> rows = new ArrayList<>();
        Rows.Outcome v = Rows.compare(version[0], version[1], budget, s -> s.ending().good());
        rows.add(new Measurement(VERSION, "cockroach", "cockroach version", Kind.WALL_TIME, Set.of(Threshold.STABILITY),
                v.status(), v.reason(), Measurement.HARNESS_CLOCK, "launch to exit", Map.of(), present(version),
                List.of("under detsim this includes detsim's own start-up (a JVM)")));
        Side[] nodeSides = {node[0] == null ? null : node[0].side(), node[1] == null ? null : node[1].side()};
        Rows.Outcome s = Rows.compare(nodeSides[0], nodeSides[1], budget, x -> x.wallNanos() != null);
        rows.add(new Measurement(START, "cockroach", "cockroach start-single-node to readiness", Kind.WALL_TIME,
                Set.of(), s.status(), s.reason(), Measurement.HARNESS_CLOCK, "launch to the listening-url file",
                Map.of(), present(nodeSides), List.of()));
        Rows.Outcome b = Rows.compare(nodeSides[0], nodeSides[1], budget, x -> "ok".equals(x.details().get("basic_sql")));
        List<String> evidence = new ArrayList<>();
        for (NodeRun r : node) {
            if (r != null && r.basic() != null) {
                evidence.add(r.side().where().json() + ": " + r.basic().summary().replace("\n", ";"));
            }
        }
        rows.add(new Measurement(SQL_BASIC, "cockroach", "basic SQL: create, insert, select, update, commit, rollback,"
                + " drop", Kind.CHECK, Set.of(Threshold.BASIC_OPERATIONS), b.status(), b.reason(), null, null, Map.of(),
                present(nodeSides), evidence));
        rows.add(sqlLatency(c, SQL_UPSERT, "SQL upsert latency", node, true, budget));
        rows.add(sqlLatency(c, SQL_SELECT, "SQL point select latency", node, false, budget));
        return rows;
    }

    private static Measurement sqlLatency(Context c, String id, String title, NodeRun[] node, boolean upserts,
            String budget) {
        Side[] sides = new Side[2];
        for (int i = 0; i < 2; i++) {
            if (node[i] == null) {
                continue;
            }
            sides[i] = node[i].side();
            if (node[i].latency() != null) {
                long[] samples = upserts ? node[i].latency().upsertNanos() : node[i].latency().pointSelectNanos();
                if (samples.length > 0) {
                    sides[i] = sides[i].withLatency(Latency.of(samples));
                }
                sides[i] = sides[i].withDetail("latency_workload", node[i].latency().allOk() ? "ok" : "failed: "
                        + node[i].latency().failures());
            }
        }
        Rows.Outcome o = Rows.compare(sides[0], sides[1], budget,
                x -> x.latency() != null && "ok".equals(x.details().get("latency_workload")));
        return new Measurement(id, "cockroach", title, Kind.LATENCY, Set.of(Threshold.DEGRADATION), o.status(),
                o.reason(), Measurement.HARNESS_CLOCK, "one statement over JDBC (pgwire, loopback), timed by the client",
                Map.of("operations", "" + c.sizes().sqlOps()), present(sides), List.of());
    }

    private static List<Side> present(Side[] sides) {
        List<Side> l = new ArrayList<>();
        for (Side s : sides) {
            if (s != null) {
                l.add(s);
            }
        }
        return l;
    }
}
