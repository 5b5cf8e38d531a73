package dev.detsim.feasibility;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.detsim.targets.cockroach.CockroachBinary;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** report.json's schema (docs/FEASIBILITY.md), and the three kinds of report agreeing with each other. */
class ReportTest {
    @TempDir
    Path out;

    static Report recorded() {
        List<Measurement> rows = Recorded.quickRunWithoutCockroach();
        return new Report("0.1.0-test", Instant.parse("2026-11-23T20:46:23Z"), 23_200_000_000L, true, 2,
                new CockroachBinary.NotFound(Recorded.NO_COCKROACH), 1,
                new Report.Machine("Linux", "6.1.0", "amd64", 2, "25"), rows, Thresholds.evaluate(rows));
    }

    private static Set<String> fields(JsonNode o) {
        Set<String> names = new java.util.TreeSet<>();
        o.fieldNames().forEachRemaining(names::add);
        return names;
    }

    @Test
    void theJsonHasEveryDocumentedFieldAndNothingElse() throws Exception {
        Harness.write(recorded(), out);
        JsonNode root = ReportJson.JSON.readTree(out.resolve("report.json").toFile());
        assertEquals(Set.of("schema", "schemaVersion", "detsimVersion", "startedAt", "durationNanos", "verdict",
                "verdictReasons", "options", "machine", "clocks", "thresholds", "measurements", "charts"), fields(root));
        assertEquals("detsim-feasibility-report", root.get("schema").asText());
        assertEquals(1, root.get("schemaVersion").asInt());
        assertEquals("INCOMPLETE", root.get("verdict").asText());
        assertEquals(23_200_000_000L, root.get("durationNanos").asLong());
        assertEquals(Set.of("quick", "runs", "seed", "nativeCpu", "cockroach"), fields(root.get("options")));
        assertEquals(1, root.get("options").get("nativeCpu").asInt());
        assertEquals(Set.of("path", "source", "reason"), fields(root.get("options").get("cockroach")));
        assertEquals(Recorded.NO_COCKROACH, root.get("options").get("cockroach").get("reason").asText());
        assertTrue(root.get("options").get("cockroach").get("path").isNull());
        assertEquals(Set.of("os", "kernel", "arch", "cpus", "java"), fields(root.get("machine")));
        assertEquals(Set.of("program", "harness"), fields(root.get("clocks")));

        List<String> ids = new ArrayList<>();
        for (JsonNode t : root.get("thresholds")) {
            assertEquals(Set.of("id", "rule", "status", "summary", "evidence", "measurements"), fields(t));
            assertTrue(Set.of("pass", "stop", "incomplete").contains(t.get("status").asText()));
            assertFalse(t.get("evidence").isEmpty(), t::toString);
            ids.add(t.get("id").asText());
        }
        assertEquals(List.of("degradation", "thread-exhaustion", "basic-operations", "stability"), ids);

        for (JsonNode m : root.get("measurements")) {
            assertEquals(Set.of("id", "group", "title", "kind", "status", "reason", "thresholds", "basicOperation",
                    "clock", "sample", "parameters", "factor", "evidence", "runs"), fields(m));
            assertEquals(Set.of("p50", "p99"), fields(m.get("factor")));
            assertEquals(m.get("status").asText().equals("ok"), m.get("reason").isNull(), m::toString);
            for (JsonNode run : m.get("runs")) {
                assertEquals(Set.of("where", "command", "ending", "exitStatus", "wallNanos", "latency", "threads",
                        "digest", "note", "details"), fields(run));
                assertTrue(Set.of("native", "detsim").contains(run.get("where").asText()));
                if (!run.get("latency").isNull()) {
                    assertEquals(Set.of("unit", "count", "min", "p50", "p90", "p99", "p999", "max", "mean", "curve"),
                            fields(run.get("latency")));
                    assertEquals("ns", run.get("latency").get("unit").asText());
                }
                if (!run.get("threads").isNull()) {
                    assertEquals(Set.of("count", "source"), fields(run.get("threads")));
                }
            }
        }
        JsonNode upsert = measurement(root, "cockroach.sql.upsert");
        assertEquals("not-run", upsert.get("status").asText());
        assertEquals(Recorded.NO_COCKROACH, upsert.get("reason").asText());
        assertTrue(upsert.get("basicOperation").asBoolean());
        JsonNode select = measurement(root, "go.sqlite.select");
        assertEquals(1.238, select.get("factor").get("p50").asDouble(), 0.002);
        assertEquals(12_500, select.get("runs").get(1).get("latency").get("p50").asLong(), 13);
    }

    private static JsonNode measurement(JsonNode root, String id) {
        for (Iterator<JsonNode> it = root.get("measurements").elements(); it.hasNext();) {
            JsonNode m = it.next();
            if (m.get("id").asText().equals(id)) {
                return m;
            }
        }
        throw new AssertionError("no measurement " + id);
    }

    @Test
    void markdownAndChartsAgreeWithTheJson() throws Exception {
        Report r = recorded();
        Files.writeString(out.resolve("latency-gone.svg"), "<svg/>"); // a chart of an earlier run
        Path mine = Files.writeString(out.resolve("mine.svg"), "<svg/>"); // not the harness's
        Harness.write(r, out);
        assertTrue(Files.exists(mine), "files the harness did not write are left alone");
        Files.delete(mine);
        JsonNode root = ReportJson.JSON.readTree(out.resolve("report.json").toFile());
        String md = Files.readString(out.resolve("report.md"));
        assertTrue(md.startsWith("# detsim feasibility: INCOMPLETE\n"), md);
        for (JsonNode t : root.get("thresholds")) {
            assertTrue(md.contains("| " + t.get("id").asText() + " | **" + t.get("status").asText().toUpperCase()
                    + "** |"), t.get("id").asText());
        }
        assertTrue(md.contains(Recorded.NO_COCKROACH));
        List<String> charts = new ArrayList<>();
        root.get("charts").forEach(c -> charts.add(c.asText()));
        assertTrue(charts.containsAll(List.of("degradation.svg", "threads.svg", "latency-go.sqlite.select.svg")),
                charts::toString);
        try (var svgs = Files.list(out)) {
            assertEquals(Set.copyOf(charts), svgs.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".svg"))
                    .collect(java.util.stream.Collectors.toSet()), "every chart listed exists, and no other");
        }
        for (String c : charts) {
            assertTrue(md.contains("](" + c + ")"), c + " is shown in report.md");
            byte[] svg = Files.readAllBytes(out.resolve(c));
            DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(new ByteArrayInputStream(svg)); // well-formed
        }
        String degradation = Files.readString(out.resolve("degradation.svg"), StandardCharsets.UTF_8);
        for (Measurement m : r.measurements()) {
            assertEquals(m.factor() != null, degradation.contains(">" + m.id()), m.id() + " has a bar iff a factor");
        }
        assertTrue(degradation.contains(">1.24x<"), "the bar is labelled with the factor in the json");
    }

    @Test
    void aZeroFactorGetsALabelButNoBarAndTheChartStaysFinite() {
        Measurement cgo = Recorded.basicLatency("go.cgo", 100, 220);
        Side zero = new Side(Side.Where.DETSIM, List.of("detsim run -- bench"), Side.Ending.OK, 0, 1_000_000L,
                Latency.of(new long[1000]), 4, DetsimStats.THREADS_SOURCE, null, null, Map.of());
        Measurement timer = new Measurement("go.timer", "go", "go.timer", Measurement.Kind.LATENCY,
                Set.of(Threshold.DEGRADATION), Measurement.Status.OK, null, Measurement.PROGRAM_CLOCK, "one op",
                Map.of(), List.of(cgo.sides().getFirst(), zero), List.of());
        assertEquals(0.0, timer.factor());
        String svg = ReportSvg.degradation(List.of(timer, cgo));
        assertTrue(svg.contains(">go.timer (basic)<") && svg.contains(">go.cgo (basic)<"), svg);
        assertTrue(svg.length() < 20_000, "a handful of grid lines, not an endless axis");
    }
}
