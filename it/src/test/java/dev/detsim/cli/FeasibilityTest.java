package dev.detsim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.detsim.targets.cockroach.CockroachBinary;
import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * detsim feasibility for real: the Go benchmarks built by the system toolchain, etcd and dqlite-demo, natively and
 * under detsim; with a stand-in cockroach (PostgreSQL 15 behind a script) for the CockroachDB rows; and with a real
 * CockroachDB when COCKROACH_BINARY names one (skipped otherwise, saying so).
 */
class FeasibilityTest {
    static final Duration TIMEOUT = Duration.ofMinutes(4);
    static final ObjectMapper JSON = new ObjectMapper();
    static final List<String> COCKROACH_ROWS = List.of("cockroach.version", "cockroach.start", "cockroach.sql.basic",
            "cockroach.sql.upsert", "cockroach.sql.select");

    @TempDir
    Path dir;

    /** Runs detsim feasibility with PATH cleared of any cockroach (unless {@code path} is given) and no COCKROACH_BINARY. */
    private static Programs.Result feasibility(String path, String... args) {
        List<String> cmd = Programs.detsimCommand(List.of("feasibility"));
        cmd = new ArrayList<>(cmd);
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        Map<String, String> env = pb.environment();
        env.remove(CockroachBinary.ENV_VAR);
        env.put("PATH", path != null ? path : pathWithoutCockroach());
        return Programs.run(pb, null, TIMEOUT);
    }

    private static String pathWithoutCockroach() {
        return Arrays.stream(System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(File.pathSeparator))
                .filter(d -> !Files.isExecutable(Path.of(d.isEmpty() ? "." : d, "cockroach")))
                .collect(Collectors.joining(File.pathSeparator));
    }

    private static JsonNode report(Path out) throws IOException {
        return JSON.readTree(out.resolve("report.json").toFile());
    }

    private static JsonNode row(JsonNode report, String id) {
        for (JsonNode m : report.get("measurements")) {
            if (m.get("id").asText().equals(id)) {
                return m;
            }
        }
        throw new AssertionError("no row " + id + " in report.json");
    }

    private static JsonNode run(JsonNode row, String where) {
        for (JsonNode r : row.get("runs")) {
            if (r.get("where").asText().equals(where)) {
                return r;
            }
        }
        throw new AssertionError("row " + row.get("id") + " has no " + where + " run: " + row);
    }

    private static int exitStatusOf(String verdict) {
        return switch (verdict) {
            case "GO" -> 0;
            case "NO-GO" -> FeasibilityCommand.NO_GO;
            case "INCOMPLETE" -> FeasibilityCommand.INCOMPLETE;
            default -> throw new AssertionError("verdict " + verdict);
        };
    }

    /** What holds for every run: exit status, verdict rule, the three kinds of report agreeing, progress lines. */
    private static JsonNode assertConsistentReports(Programs.Result r, Path out) throws Exception {
        assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
        JsonNode json = report(out);
        String verdict = json.get("verdict").asText();
        assertEquals(exitStatusOf(verdict), r.status(), r.err());
        assertEquals(1, json.get("schemaVersion").asInt());

        Set<String> statuses = new java.util.HashSet<>();
        for (JsonNode t : json.get("thresholds")) {
            statuses.add(t.get("status").asText());
            assertFalse(t.get("evidence").isEmpty(), "every threshold shows its evidence: " + t);
        }
        String expected = statuses.contains("stop") ? "NO-GO" : statuses.contains("incomplete") ? "INCOMPLETE" : "GO";
        assertEquals(expected, verdict, "the verdict follows the thresholds: " + json.get("thresholds"));

        // Every row that is not ok says why; every ok row has both sides, and ok sides ended well.
        for (JsonNode m : json.get("measurements")) {
            assertEquals(m.get("status").asText().equals("ok"), m.get("reason").isNull(), m::toString);
            if (m.get("status").asText().equals("ok")) {
                for (String where : List.of("native", "detsim")) {
                    assertTrue(Set.of("ok", "stopped").contains(run(m, where).get("ending").asText()), m::toString);
                }
            }
        }

        String md = Files.readString(out.resolve("report.md"));
        assertTrue(md.startsWith("# detsim feasibility: " + verdict + "\n"), md.lines().findFirst().orElse(""));
        for (JsonNode t : json.get("thresholds")) {
            assertTrue(md.contains("| " + t.get("id").asText() + " | **" + t.get("status").asText().toUpperCase()
                    + "** | " + t.get("summary").asText().replace("|", "\\|") + " |"), t::toString);
        }
        List<String> charts = new ArrayList<>();
        json.get("charts").forEach(c -> charts.add(c.asText()));
        assertTrue(charts.contains("degradation.svg"), charts::toString);
        for (String c : charts) {
            assertTrue(md.contains("](" + c + ")"), c);
            DocumentBuilderFactory.newInstance().newDocumentBuilder()
                    .parse(new ByteArrayInputStream(Files.readAllBytes(out.resolve(c))));
        }
        String degradation = Files.readString(out.resolve("degradation.svg"));
        for (JsonNode m : json.get("measurements")) {
            if (!m.get("factor").get("p50").isNull()) {
                assertTrue(degradation.contains(">" + m.get("id").asText()), "a bar for " + m.get("id"));
            }
        }

        List<String> progress = r.err().lines().filter(l -> l.startsWith("[")).toList();
        assertTrue(progress.getFirst().startsWith("[1/"), progress::toString);
        String total = progress.getFirst().substring(3, progress.getFirst().indexOf(']'));
        assertTrue(progress.getLast().startsWith("[" + total + "/" + total + "]"), progress::toString);
        assertTrue(r.err().contains("detsim: feasibility: " + verdict + "\n"), r.err());
        assertTrue(json.get("durationNanos").asLong() < Duration.ofMinutes(2).toNanos(),
                "--quick takes at most 2 minutes: " + json.get("durationNanos"));
        return json;
    }

    @Test
    void quickRunWithoutCockroachMeasuresTheGoRuntimeAndTheStandIns() throws Exception {
        Path out = dir.resolve("report");
        Programs.Result r = feasibility(null, "--quick", "--out", out.toString());
        JsonNode json = assertConsistentReports(r, out);

        assertNotEquals("GO", json.get("verdict").asText(), "without CockroachDB the answer cannot be GO");
        for (String id : COCKROACH_ROWS) {
            JsonNode m = row(json, id);
            assertEquals("not-run", m.get("status").asText(), id);
            assertEquals(CockroachBinary.NOT_FOUND_REASON, m.get("reason").asText(), id);
        }
        assertTrue(r.err().contains("cockroach version natively ...\n        " + CockroachBinary.NOT_FOUND_REASON));

        // The Go benchmarks ran natively with every sample; where they also ran under detsim, the tracer counted.
        Map<String, Integer> samples = Map.of("go.pingpong.same", 1000, "go.pingpong.cross", 1000, "go.gosched", 1000,
                "go.timer", 300, "go.cgocall", 1000, "go.sqlite.insert", 200, "go.sqlite.select", 200);
        samples.forEach((id, n) -> {
            JsonNode m = row(json, id);
            assertEquals(n, run(m, "native").get("latency").get("count").asInt(), id);
            assertTrue(m.get("clock").asText().contains("CLOCK_MONOTONIC_RAW"), id);
            if (m.get("status").asText().equals("ok")) {
                JsonNode d = run(m, "detsim");
                assertEquals(n, d.get("latency").get("count").asInt(), id);
                assertTrue(d.get("threads").get("source").asText().startsWith("tracer"), id);
                assertTrue(d.get("command").toString().contains("--benchmark-clock"), id);
                assertTrue(m.get("factor").get("p50").asDouble() > 0, id);
            }
        });
        assertTrue(row(json, "go.sqlite.select").get("basicOperation").asBoolean());
        assertFalse(row(json, "go.pingpong.cross").get("basicOperation").asBoolean());

        // Thread growth: N goroutines blocked at once natively need at least N+1 threads.
        for (int n : List.of(1, 2, 4, 8, 9, 10, 16, 32, 64)) {
            JsonNode m = row(json, "go.threads." + n);
            JsonNode nat = run(m, "native");
            assertTrue(nat.get("threads").get("count").asInt() > n, m::toString);
            if (m.get("status").asText().equals("ok")) {
                assertTrue(run(m, "detsim").get("threads").get("count").asInt() > n, m::toString);
            }
        }

        // Stand-ins: started natively, every read checked; the stability row ran twice under detsim with digests.
        for (String id : List.of("etcd", "dqlite")) {
            JsonNode nat = run(row(json, id + ".basic"), "native");
            assertEquals("stopped", nat.get("ending").asText(), id);
            assertEquals("ok", nat.get("details").get("operations").asText(), id);
            assertTrue(nat.get("threads").get("count").asInt() >= 4, id);
            assertEquals(200, run(row(json, id + ".put"), "native").get("latency").get("count").asInt(), id);
        }
        JsonNode stability = row(json, "stability.go");
        long detsimRuns = 0;
        for (JsonNode run : stability.get("runs")) {
            if (run.get("where").asText().equals("detsim")) {
                detsimRuns++;
                assertTrue(run.get("digest").asText().matches("[0-9a-f]{64}"), run::toString);
            }
        }
        assertEquals(2, detsimRuns);
        assertTrue(Files.isRegularFile(out.resolve("threads.svg")));
        assertTrue(Files.isRegularFile(out.resolve("logs/etcd.detsim.log")));
    }

    @Test
    void withACockroachBinaryTheCockroachRowsRunAndTheStandInsDoNot() throws Exception {
        Path fake = dir.resolve("cockroach");
        try (InputStream in = getClass().getResourceAsStream("fake-cockroach.sh")) {
            Files.write(fake, in.readAllBytes());
        }
        Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path out = dir.resolve("report");
        Programs.Result r = feasibility(null, "--quick", "--cockroach", fake.toString(), "--out", out.toString());
        JsonNode json = assertConsistentReports(r, out);
        assertCockroachRowsRan(json, fake, "v0.0.0-fake");
        for (JsonNode m : json.get("measurements")) {
            assertFalse(m.get("group").asText().equals("etcd") || m.get("group").asText().equals("dqlite"),
                    "stand-ins run only without a cockroach binary: " + m.get("id"));
        }
    }

    @Test
    void withARealCockroachBinary() throws Exception {
        CockroachBinary.Resolution found = CockroachBinary.resolve(null, Map.copyOf(System.getenv()));
        if (found instanceof CockroachBinary.NotFound nf) {
            String reason = nf.reason().equals(CockroachBinary.NOT_FOUND_REASON)
                    ? "not run: cockroach binary not found (use COCKROACH_BINARY=PATH)" : nf.reason();
            // Also on stderr: the console summary only counts skipped tests, without the reason.
            System.err.println("FeasibilityTest.withARealCockroachBinary: " + reason);
            Assumptions.abort(reason);
        }
        Path binary = ((CockroachBinary.Found) found).path();
        Path out = dir.resolve("report");
        Programs.Result r = feasibility(null, "--quick", "--cockroach", binary.toString(), "--out", out.toString());
        assertCockroachRowsRan(assertConsistentReports(r, out), binary, "v");
    }

    private static void assertCockroachRowsRan(JsonNode json, Path binary, String tagPrefix) {
        assertEquals(binary.toAbsolutePath().normalize().toString(),
                json.get("options").get("cockroach").get("path").asText());
        for (String id : COCKROACH_ROWS) {
            JsonNode m = row(json, id);
            assertNotEquals("not-run", m.get("status").asText(), m::toString);
            JsonNode nat = run(m, "native");
            List<String> command = new ArrayList<>();
            nat.get("command").forEach(c -> command.add(c.asText()));
            assertTrue(command.contains(binary.toAbsolutePath().normalize().toString()), id + ": " + command);
            assertEquals("taskset", Path.of(command.getFirst()).getFileName().toString(), "pinned like detsim: " + command);
            if (m.get("status").asText().equals("ok")) {
                JsonNode d = run(m, "detsim");
                assertTrue(d.get("threads").get("count").asInt() >= 1, "the tracer's peak: " + m);
                assertTrue(d.get("command").toString().contains("\"run\""), id);
            }
        }
        assertTrue(run(row(json, "cockroach.version"), "native").get("details").get("build_tag").asText()
                .startsWith(tagPrefix));
        assertEquals("ok", run(row(json, "cockroach.sql.basic"), "native").get("details").get("basic_sql").asText());
        assertEquals(100, run(row(json, "cockroach.sql.upsert"), "native").get("latency").get("count").asInt());
        assertEquals(100, run(row(json, "cockroach.sql.select"), "native").get("latency").get("count").asInt());
        assertTrue(run(row(json, "cockroach.start"), "native").get("wallNanos").asLong() > 0);
    }

    @Test
    void withoutAGoToolchainTheGoRowsAreNotRunWithTheReason() throws Exception {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        for (String program : List.of("etcd", "dqlite-demo")) {
            Files.createSymbolicLink(bin.resolve(program), Path.of("/usr/bin", program));
        }
        Path out = dir.resolve("report");
        Programs.Result r = feasibility(bin.toString(), "--quick", "--out", out.toString());
        JsonNode json = assertConsistentReports(r, out);
        String reason = "not run: the Go toolchain (go) was not found on PATH (apt-get install golang-go)";
        for (String id : List.of("go.pingpong.same", "go.sqlite.select", "go.threads.1", "go.threads.64",
                "stability.go")) {
            assertEquals("not-run", row(json, id).get("status").asText(), id);
            assertEquals(reason, row(json, id).get("reason").asText(), id);
        }
        assertNotEquals("GO", json.get("verdict").asText());
        assertEquals("ok", run(row(json, "etcd.basic"), "native").get("details").get("operations").asText());
    }

    @Test
    void userErrorsAreOneLine() throws IOException {
        Path file = Files.writeString(dir.resolve("a-file"), "x");
        Programs.Result r = feasibility(null, "--quick", "--out", file.toString());
        assertEquals(2, r.status());
        assertEquals("detsim: feasibility: --out: " + file + " exists and is not a directory\n", r.err());

        r = feasibility(null, "--runs", "1", "--out", dir.resolve("x").toString());
        assertEquals(2, r.status());
        assertEquals("detsim: feasibility: --runs must be at least 2, not 1\n", r.err());

        r = feasibility(null, "--cockroach", dir.resolve("nope").toString(), "--out", dir.resolve("x").toString());
        assertEquals(2, r.status());
        assertEquals("detsim: feasibility: --cockroach: cockroach binary " + dir.resolve("nope")
                + " (from --cockroach) does not exist\n", r.err());

        r = feasibility(null, "--help");
        assertEquals(0, r.status(), r.err());
        for (String s : List.of("--quick", "--out=DIR", "--cockroach=PATH", "--runs=N", "Exit status:")) {
            assertTrue(r.out().contains(s), s + " in:\n" + r.out());
        }
        List<String> lines = r.out().lines().map(String::strip).toList();
        for (String status : List.of("0 GO", "1 NO-GO:", "3 INCOMPLETE:", "2 bad options")) {
            assertTrue(lines.stream().anyMatch(l -> l.replaceAll("\\s+", " ").startsWith(status)), status + " in:\n"
                    + r.out());
        }
    }
}
