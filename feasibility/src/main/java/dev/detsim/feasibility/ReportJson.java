package dev.detsim.feasibility;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.detsim.targets.cockroach.CockroachBinary;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * report.json: the schema is written out here field by field (and documented in docs/FEASIBILITY.md), so that it
 * changes only on purpose. Every field is always present (null where there is no value). Times are integer
 * nanoseconds unless a name says otherwise.
 */
public final class ReportJson {
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ReportJson() {}

    public static void write(Report r, List<String> charts, Path file) throws IOException {
        JSON.writeValue(file.toFile(), tree(r, charts));
    }

    static ObjectNode tree(Report r, List<String> charts) {
        ObjectNode root = JSON.createObjectNode();
        root.put("schema", "detsim-feasibility-report");
        root.put("schemaVersion", Report.SCHEMA_VERSION);
        root.put("detsimVersion", r.detsimVersion());
        root.put("startedAt", r.startedAt().toString());
        root.put("durationNanos", r.durationNanos());
        root.put("verdict", r.verdict().label());
        strings(root.putArray("verdictReasons"), r.verdictReasons());
        ObjectNode options = root.putObject("options");
        options.put("quick", r.quick());
        options.put("runs", r.runs());
        options.put("seed", Options.SEED);
        options.put("nativeCpu", r.nativeCpu());
        ObjectNode cockroach = options.putObject("cockroach");
        if (r.cockroach() instanceof CockroachBinary.Found f) {
            cockroach.put("path", f.path().toString());
            cockroach.put("source", f.source().label());
            cockroach.putNull("reason");
        } else {
            cockroach.putNull("path");
            cockroach.putNull("source");
            cockroach.put("reason", ((CockroachBinary.NotFound) r.cockroach()).reason());
        }
        ObjectNode machine = root.putObject("machine");
        machine.put("os", r.machine().os());
        machine.put("kernel", r.machine().kernel());
        machine.put("arch", r.machine().arch());
        machine.put("cpus", r.machine().cpus());
        machine.put("java", r.machine().java());
        ObjectNode clocks = root.putObject("clocks");
        clocks.put("program", Measurement.PROGRAM_CLOCK);
        clocks.put("harness", Measurement.HARNESS_CLOCK);
        ArrayNode thresholds = root.putArray("thresholds");
        for (Threshold t : r.thresholds()) {
            ObjectNode o = thresholds.addObject();
            o.put("id", t.id());
            o.put("rule", t.rule());
            o.put("status", t.status().json());
            o.put("summary", t.summary());
            strings(o.putArray("evidence"), t.evidence());
            strings(o.putArray("measurements"), t.measurements());
        }
        ArrayNode rows = root.putArray("measurements");
        for (Measurement m : r.measurements()) {
            measurement(rows.addObject(), m);
        }
        strings(root.putArray("charts"), charts);
        return root;
    }

    private static void measurement(ObjectNode o, Measurement m) {
        o.put("id", m.id());
        o.put("group", m.group());
        o.put("title", m.title());
        o.put("kind", m.kind().json());
        o.put("status", m.status().json());
        o.put("reason", m.reason());
        strings(o.putArray("thresholds"), List.copyOf(m.thresholds()));
        o.put("basicOperation", m.basicOperation());
        o.put("clock", m.clock());
        o.put("sample", m.sample());
        map(o.putObject("parameters"), m.parameters());
        ObjectNode factor = o.putObject("factor");
        number(factor, "p50", m.factor());
        number(factor, "p99", m.factorP99());
        strings(o.putArray("evidence"), m.evidence());
        ArrayNode runs = o.putArray("runs");
        for (Side s : m.sides()) {
            side(runs.addObject(), s);
        }
    }

    private static void side(ObjectNode o, Side s) {
        o.put("where", s.where().json());
        strings(o.putArray("command"), s.command());
        o.put("ending", s.ending().json());
        o.put("exitStatus", s.exitStatus());
        o.put("wallNanos", s.wallNanos());
        if (s.latency() == null) {
            o.putNull("latency");
        } else {
            Latency l = s.latency();
            ObjectNode lo = o.putObject("latency");
            lo.put("unit", "ns");
            lo.put("count", l.count());
            lo.put("min", l.min());
            lo.put("p50", l.p50());
            lo.put("p90", l.p90());
            lo.put("p99", l.p99());
            lo.put("p999", l.p999());
            lo.put("max", l.max());
            lo.put("mean", l.mean());
            ArrayNode curve = lo.putArray("curve");
            for (Latency.Point p : l.curve()) {
                curve.addObject().put("percentile", p.percentile()).put("nanos", p.nanos());
            }
        }
        if (s.threads() == null) {
            o.putNull("threads");
        } else {
            o.putObject("threads").put("count", s.threads()).put("source", s.threadsSource());
        }
        o.put("digest", s.digest());
        o.put("note", s.note());
        map(o.putObject("details"), s.details());
    }

    private static void number(ObjectNode o, String name, Double v) {
        if (v == null) {
            o.putNull(name);
        } else {
            o.put(name, Math.round(v * 1000) / 1000.0);
        }
    }

    private static void strings(ArrayNode a, List<String> values) {
        values.forEach(a::add);
    }

    private static void map(ObjectNode o, Map<String, String> values) {
        values.forEach(o::put);
    }
}
