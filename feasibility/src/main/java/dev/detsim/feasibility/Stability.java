package dev.detsim.feasibility;

import dev.detsim.feasibility.Measurement.Kind;
import dev.detsim.feasibility.Measurement.Status;
import dev.detsim.feasibility.Side.Where;
import dev.detsim.recorder.Divergence;
import dev.detsim.recorder.Event;
import dev.detsim.recorder.EventLogFormat;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Repeated deterministic runs: {@code sched deterministic} (a pipeline of goroutines over channels, and 16 bytes
 * from getrandom) runs under detsim {@code --runs} times with one seed and {@code --digest}; every run must end
 * well and the runs must agree on exit status, output and event-log digest. Two native runs show what the seed
 * controls (their random bytes differ). A divergence is located in the event logs, as {@code detsim verify} does.
 */
final class Stability implements Probe {
    static final Duration TIMEOUT = Duration.ofSeconds(60);
    static final int NATIVE_RUNS = 2;
    static final String ID = "stability.go";
    static final String TITLE = "repeated deterministic runs of a Go program with one seed";

    @Override
    public int steps(Context c) {
        return NATIVE_RUNS + c.options().runs();
    }

    @Override
    public List<Measurement> run(Context c) throws InterruptedException {
        List<Side> sides = new ArrayList<>();
        List<String> outputs = new ArrayList<>();
        List<String> nativeOutputs = new ArrayList<>();
        List<Path> events = new ArrayList<>();
        int total = NATIVE_RUNS + c.options().runs();
        String notRun = null;
        for (int i = 1; i <= total; i++) {
            Where where = i <= NATIVE_RUNS ? Where.NATIVE : Where.DETSIM;
            int k = where == Where.NATIVE ? i : i - NATIVE_RUNS;
            String label = "go deterministic workload, run " + k + " " + Rows.how(where)
                    + (where == Where.DETSIM ? " (seed " + Options.SEED + ")" : "");
            if (notRun == null) {
                notRun = GoBenchmarks.notRunReason(c, "sched");
            }
            if (notRun != null) { // every planned step is still reported
                c.progress().start(label);
                c.progress().end(notRun);
                continue;
            }
            String name = ID + "." + where.json() + "-" + k;
            Path eventsFile = c.runs().logFile(name).resolveSibling(name + ".events");
            List<String> options = List.of("--seed=" + Options.SEED, "--digest", "--events=" + eventsFile);
            List<String> cmd = List.of(((GoToolchain.Built) c.builds().get("sched")).binary().toString(),
                    "deterministic");
            c.progress().start(label);
            Runs.Finished f;
            try {
                f = c.runs().run(where, name, cmd, where == Where.DETSIM ? options : List.of(),
                        c.runs().freshDir("stability"), TIMEOUT);
            } catch (IOException e) {
                f = Runs.notStarted(where, cmd, e);
            }
            sides.add(f.side());
            String out = programOutput(f.output());
            c.progress().end(f.side().ending().good() ? out.lines().findFirst().orElse("(no output)")
                    + (f.side().digest() != null ? "; digest " + f.side().digest().substring(0, 16) : "")
                    : Rows.describe(f.side()));
            if (where == Where.DETSIM) {
                outputs.add(out);
                events.add(eventsFile);
            } else {
                nativeOutputs.add(out);
                if (!f.side().ending().good()) {
                    notRun = "not run: failed natively: " + Rows.describe(f.side());
                }
            }
        }
        if (notRun != null && (outputs.size() < 2 || sides.stream().anyMatch(s -> s.where() == Where.NATIVE
                && !s.ending().good()))) {
            return List.of(row(Status.NOT_RUN, notRun, sides, List.of()));
        }
        return List.of(judge(sides, nativeOutputs, outputs, events));
    }

    /** Compares the detsim runs with the first one. */
    static Measurement judge(List<Side> sides, List<String> nativeOutputs, List<String> outputs, List<Path> events) {
        List<Side> det = sides.stream().filter(s -> s.where() == Where.DETSIM).toList();
        List<String> evidence = new ArrayList<>();
        Side first = det.getFirst();
        evidence.add(det.size() + " runs under detsim with seed " + Options.SEED + ": " + summary(det, outputs));
        if (nativeOutputs.size() >= 2) {
            evidence.add(nativeOutputs.size() + " native runs, for contrast (nothing seeded): "
                    + (nativeOutputs.stream().distinct().count() == 1 ? "same output"
                            : "different output, " + firstDifference(nativeOutputs.get(0), nativeOutputs.get(1))));
        }
        for (int i = 0; i < det.size(); i++) {
            Side s = det.get(i);
            if (!s.ending().good()) {
                return row(Status.FAILED, "run " + (i + 1) + " under detsim " + Rows.describe(s), sides, evidence);
            }
        }
        for (int i = 1; i < det.size(); i++) {
            Side s = det.get(i);
            if (!java.util.Objects.equals(s.exitStatus(), first.exitStatus())) {
                return row(Status.FAILED, "run " + (i + 1) + " exited " + s.exitStatus() + ", run 1 " + first.exitStatus(),
                        sides, evidence);
            }
            if (!outputs.get(i).equals(outputs.get(0))) {
                return row(Status.FAILED, "run " + (i + 1) + " printed different output: " + firstDifference(
                        outputs.get(0), outputs.get(i)), sides, evidence);
            }
            if (!java.util.Objects.equals(s.digest(), first.digest())) {
                return row(Status.FAILED, "run " + (i + 1) + "'s event log differs from run 1's (digest "
                        + abbreviate(s.digest()) + " vs " + abbreviate(first.digest()) + ")"
                        + divergence(events.get(0), events.get(i)).map(d -> ": " + d).orElse(""), sides, evidence);
            }
        }
        return row(Status.OK, null, sides, evidence);
    }

    private static Measurement row(Status status, String reason, List<Side> sides, List<String> evidence) {
        return new Measurement(ID, "stability", TITLE, Kind.DETERMINISM, Set.of(Threshold.STABILITY), status, reason,
                null, null, Map.of("seed", "" + Options.SEED), sides, evidence);
    }

    private static String summary(List<Side> det, List<String> outputs) {
        Side first = det.getFirst();
        boolean same = det.stream().allMatch(s -> java.util.Objects.equals(s.digest(), first.digest()))
                && outputs.stream().distinct().count() == 1;
        return (same ? "identical" : "not identical") + "; run 1: status " + first.exitStatus() + ", output "
                + outputs.getFirst().lines().toList() + ", digest " + first.digest();
    }

    /** The first differing event of two event logs, as detsim verify names it. */
    static Optional<String> divergence(Path a, Path b) {
        try {
            if (!Files.exists(a) || !Files.exists(b)) {
                return Optional.empty();
            }
            List<Event> ea = EventLogFormat.read(a);
            List<Event> eb = EventLogFormat.read(b);
            return Divergence.find(ea, eb, 0).map(d -> "first divergent event #" + d.index() + ": "
                    + describe(d.contextA(), d.index()) + " vs " + describe(d.contextB(), d.index()));
        } catch (IOException | RuntimeException e) {
            return Optional.of("event logs unreadable: " + e.getMessage());
        }
    }

    private static String describe(List<Event> context, long index) {
        return context.stream().filter(e -> e.seq() == index).findFirst()
                .map(e -> "thread " + e.thread() + " " + e.kind() + " " + e.detail()).orElse("(log ends)");
    }

    /** The program's own output: the log without detsim's lines. */
    static String programOutput(String log) {
        StringBuilder sb = new StringBuilder();
        for (String line : log.split("\n", -1)) {
            if (!line.startsWith("detsim: ")) {
                sb.append(line).append('\n');
            }
        }
        return sb.toString().strip();
    }

    private static String firstDifference(String a, String b) {
        List<String> la = a.lines().toList();
        List<String> lb = b.lines().toList();
        for (int i = 0; i < Math.max(la.size(), lb.size()); i++) {
            String x = i < la.size() ? la.get(i) : "(ends)";
            String y = i < lb.size() ? lb.get(i) : "(ends)";
            if (!x.equals(y)) {
                return "line " + (i + 1) + ": '" + y + "' vs '" + x + "'";
            }
        }
        return "(same lines)";
    }

    private static String abbreviate(String digest) {
        return digest == null ? "none" : digest.length() > 16 ? digest.substring(0, 16) : digest;
    }
}
