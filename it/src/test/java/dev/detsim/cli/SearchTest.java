package dev.detsim.cli;

import static dev.detsim.cli.Programs.detsimCommand;
import static dev.detsim.cli.Programs.detsimRun;
import static dev.detsim.cli.Programs.guest;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * detsim search and detsim bugs (issue 20, items 1, 2, 3, 6) on real programs: the racy C guests, concurrent
 * sqlite3 writers with a checker, a passing program, and programs that read what detsim cannot make
 * deterministic (/proc/sys/kernel/random/uuid). Few seeds each, to keep the class short.
 */
class SearchTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** A counter below 800: racy_getppid lost an update. */
    private static final String LOST_UPDATE = "regex:(?m)^([0-7][0-9][0-9]|[0-9][0-9]?)$";

    @TempDir
    Path tmp;

    private static Programs.Result detsim(Path dir, List<String> args) {
        return Programs.run(new ProcessBuilder(detsimCommand(args)).directory(dir.toFile()), null,
                Programs.DEFAULT_TIMEOUT.multipliedBy(2));
    }

    private Programs.Result search(Path bugbase, String seeds, List<String> options, List<String> command) {
        List<String> args = new ArrayList<>(List.of("search", "--seeds=" + seeds, "--bugbase=" + bugbase));
        args.addAll(options);
        args.add("--");
        args.addAll(command);
        return detsim(tmp, args);
    }

    /** The bug base as detsim bugs --json lists it. */
    private JsonNode bugs(Path bugbase) throws IOException {
        var r = detsim(tmp, List.of("bugs", "--bugbase=" + bugbase, "--json"));
        assertEquals(0, r.status(), r.err());
        return JSON.readTree(r.out());
    }

    /** id -> seeds of every entry. */
    private Map<String, TreeSet<Long>> seedsById(Path bugbase) throws IOException {
        Map<String, TreeSet<Long>> m = new TreeMap<>();
        for (JsonNode e : bugs(bugbase)) {
            TreeSet<Long> seeds = new TreeSet<>();
            e.get("seeds").forEach(s -> seeds.add(s.asLong()));
            m.put(e.get("id").asText(), seeds);
        }
        return m;
    }

    @Test
    void theRacyGuestsLostUpdatesAreOneBugAndFourShardsMergeIntoTheSameBugBase() throws Exception {
        String getppid = guest("racy_getppid").toString();
        // Which seeds lose an update, asked of detsim run directly.
        TreeSet<Long> losing = new TreeSet<>();
        for (long seed = 1; seed <= 6; seed++) {
            var r = detsimRun(List.of("--chaos", "--seed=" + seed), List.of(getppid), null);
            if (!r.out().equals("800\n")) losing.add(seed);
        }
        assertFalse(losing.isEmpty(), "seeds 1..6 lost no update");

        Path whole = tmp.resolve("whole");
        Path report = tmp.resolve("report.json");
        var r = search(whole, "1..6", List.of("--jobs=2", "--fail-on=" + LOST_UPDATE, "--json=" + report), List.of(getppid));
        assertEquals(SearchCommand.FOUND, r.status(), r.err());
        JsonNode entries = bugs(whole);
        assertEquals(1, entries.size(), "one signature, one entry: " + entries);
        JsonNode bug = entries.get(0);
        assertEquals("bug", bug.get("kind").asText());
        assertEquals(losing, seedsById(whole).get(bug.get("id").asText()));
        assertEquals(getppid, bug.get("binaries").get(0).get("path").asText());
        assertEquals(losing.size() * 4, bug.get("history").size(), "each failure and its 3 re-runs");
        JsonNode summary = JSON.readTree(Files.readString(report));
        assertEquals(6, summary.get("seedsRun").asInt());
        assertEquals(losing.size(), summary.get("failures").asInt());
        assertEquals(1, summary.get("distinctBugs").asInt());
        assertTrue(r.out().contains("distinct bugs   1"), r.out());

        // Its recording replays (in the empty working directory the run had).
        Path recording = whole.resolve(bug.get("id").asText()).resolve("recording");
        JsonNode manifest = JSON.readTree(Files.readString(recording.resolve("recording.json")));
        assertEquals(losing.first(), bug.get("recordingSeed").asLong());
        Path workingDirectory = Path.of(manifest.get("workingDirectory").asText());
        Files.createDirectories(workingDirectory);
        Programs.Result replay;
        try {
            replay = detsim(tmp, List.of("replay", recording.toString()));
        } finally {
            Files.delete(workingDirectory);
            Files.delete(workingDirectory.getParent()); // the search's own directory, which it had deleted
        }
        assertEquals(0, replay.status(), replay.err());
        assertTrue(replay.err().contains("detsim: replay: identical"), replay.err());
        assertFalse(replay.out().equals("800\n"), "the recording lost an update: " + replay.out());

        // Four shards at once, each a bug base of its own, merged: the same entries with the same seeds.
        List<CompletableFuture<Programs.Result>> shards = new ArrayList<>();
        List<String> merge = new ArrayList<>(List.of("bugs", "merge", "--into=" + tmp.resolve("merged")));
        for (int i = 0; i < 4; i++) {
            Path shard = tmp.resolve("shard-" + i);
            merge.add(shard.toString());
            List<String> options = List.of("--jobs=1", "--shard=" + i + "/4", "--fail-on=" + LOST_UPDATE);
            shards.add(CompletableFuture.supplyAsync(() -> search(shard, "1..6", options, List.of(getppid))));
        }
        for (var shard : shards) {
            int status = shard.get().status();
            assertTrue(status == 0 || status == SearchCommand.FOUND, shard.get().err());
        }
        var merged = detsim(tmp, merge);
        assertEquals(0, merged.status(), merged.err());
        assertEquals(seedsById(whole), seedsById(tmp.resolve("merged")));
        assertTrue(Files.isDirectory(tmp.resolve("merged").resolve(bug.get("id").asText()).resolve("recording")));
        String once = bugs(tmp.resolve("merged")).toString();
        assertEquals(0, detsim(tmp, merge).status());
        assertEquals(once, bugs(tmp.resolve("merged")).toString(), "merging again changes nothing");
    }

    @Test
    void aCheckerFindsTheRowConcurrentSqliteWritersLose() throws Exception {
        Path script = Files.writeString(tmp.resolve("writers.sh"), """
                #!/bin/sh
                # Four sqlite3 writers at once, no busy timeout: one that finds the database locked loses its row.
                sqlite3 rows.db 'create table t(x)'
                for i in 1 2 3 4; do sqlite3 rows.db "insert into t values($i)" & done
                wait
                """);
        String check = "check:n=$(sqlite3 rows.db 'select count(*) from t'); [ \"$n\" = 4 ] || { echo \"lost rows: $n of 4\"; exit 1; }";
        Path bugbase = tmp.resolve("bugs");
        // --tmp=shared: a private /tmp would hide the script, which @TempDir puts under /tmp.
        var r = search(bugbase, "1..12", List.of("--jobs=2", "--until=1", "--tmp=shared", "--fail-on=" + check),
                List.of("sh", script.toString()));
        assertEquals(SearchCommand.FOUND, r.status(), r.err());
        JsonNode entries = bugs(bugbase);
        assertFalse(entries.isEmpty());
        for (JsonNode e : entries) {
            assertEquals("lost rows: N of N", e.get("signature").get("checker").asText(), e.toString());
            assertEquals("exit 0", e.get("signature").get("outcome").asText(), "the script ignores the writer's error");
        }
        assertTrue(r.out().contains("lost rows: N of N"), r.out());
        var show = detsim(tmp, List.of("bugs", "show", entries.get(0).get("id").asText().substring(0, 6), "--bugbase=" + bugbase));
        assertEquals(0, show.status(), show.err());
        assertTrue(show.out().contains("detsim replay " + bugbase), show.out());
        var parentsOption = detsim(tmp, List.of("bugs", "--bugbase=" + bugbase, "show", entries.get(0).get("id").asText()));
        assertEquals(show.out(), parentsOption.out(), parentsOption.err());
    }

    @Test
    void aPassingProgramFindsNothingAndItsSpotChecksAgree() throws Exception {
        Path bugbase = tmp.resolve("bugs");
        var r = search(bugbase, "1..3", List.of("--jobs=2", "--spot-check=1", "--json=-"),
                List.of(guest("racy_counter").toString(), "3", "100"));
        assertEquals(0, r.status(), r.err());
        JsonNode report = JSON.readTree(r.out());
        assertEquals(3, report.get("seedsRun").asInt());
        assertEquals(0, report.get("failures").asInt());
        assertEquals(3, report.get("spotChecks").asInt());
        assertEquals(0, report.get("spotCheckMismatches").asInt());
        assertEquals(0, bugs(bugbase).size());
    }

    @Test
    void aFailureThatDoesNotComeBackIsFiledAsNondeterministic() throws Exception {
        Path bugbase = tmp.resolve("bugs");
        // The status is 1 + the first hex digit of a kernel uuid, which detsim does not make deterministic.
        var r = search(bugbase, "1..2", List.of("--jobs=2"),
                List.of("sh", "-c", "u=$(cat /proc/sys/kernel/random/uuid); exit $((0x$(printf %.1s \"$u\") + 1))"));
        assertEquals(SearchCommand.FOUND, r.status(), r.err());
        JsonNode entries = bugs(bugbase);
        assertFalse(entries.isEmpty());
        for (JsonNode e : entries) {
            assertEquals("nondeterministic", e.get("kind").asText(), e.toString());
            assertFalse(e.has("recording"), "nothing to replay");
            assertEquals(2, e.get("logs").size(), "both runs' event logs: " + e);
            for (JsonNode log : e.get("logs")) {
                assertTrue(Files.size(bugbase.resolve(e.get("id").asText()).resolve(log.asText())) > 0);
            }
        }
    }

    @Test
    void aSpotCheckThatPartsIsANondeterminismBug() throws Exception {
        Path bugbase = tmp.resolve("bugs");
        var r = search(bugbase, "1..2", List.of("--jobs=2", "--spot-check=1"), List.of("cat", "/proc/sys/kernel/random/uuid"));
        assertEquals(SearchCommand.FOUND, r.status(), r.err());
        JsonNode entries = bugs(bugbase);
        assertEquals(1, entries.size(), entries.toString());
        assertEquals("nondeterminism", entries.get(0).get("kind").asText());
        assertEquals("[1,2]", entries.get(0).get("seeds").toString());
        assertEquals(4, entries.get(0).get("logs").size(), "both event logs of each seed");
    }

    @Test
    void badInputIsOneLine() throws Exception {
        for (List<String> args : List.of(List.of("search", "--seeds=9..1", "--", "true"),
                List.of("search", "--seeds=1..4", "--shards=4", "--", "true"),
                List.of("search", "--seeds=1..4", "--fail-on=crash", "--", "true"))) {
            var r = detsim(tmp, args);
            assertEquals(2, r.status(), args + ": " + r.err());
            assertTrue(r.err().startsWith("detsim: --"), r.err());
        }
        var missing = detsim(tmp, List.of("bugs", "--bugbase=" + tmp.resolve("none")));
        assertEquals(65, missing.status());
        assertEquals(1, missing.err().lines().count(), missing.err());
        Files.createDirectories(tmp.resolve("b/0123456789ab"));
        Files.writeString(tmp.resolve("b/0123456789ab/entry.json"), "{");
        var corrupt = detsim(tmp, List.of("bugs", "--bugbase=" + tmp.resolve("b")));
        assertEquals(65, corrupt.status());
        assertTrue(corrupt.err().startsWith("detsim: bugs: ") && corrupt.err().contains("is corrupt"), corrupt.err());
        var unknown = detsim(tmp, List.of("bugs", "show", "ffff", "--bugbase=" + tmp.resolve("b2")));
        assertEquals(65, unknown.status(), "no such bug base: " + unknown.err());
    }

    @Test
    void aSignalEndsTheSearchAndEveryRunInProgress() throws Exception {
        List<String> cmd = new ArrayList<>(detsimCommand(List.of("search", "--seeds=1..50", "--jobs=2",
                "--bugbase=" + tmp.resolve("bugs"), "--", guest("racy_counter").toString(), "4", "20000")));
        Process p = new ProcessBuilder(cmd).directory(tmp.toFile()).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(tmp.resolve("err").toFile()).start();
        List<ProcessHandle> programs = new ArrayList<>();
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (programs.isEmpty() && System.nanoTime() < deadline) { // a seed's program under its detsim run
            Thread.sleep(200);
            p.descendants().filter(h -> h.info().command().orElse("").endsWith("racy_counter")).forEach(programs::add);
        }
        assertFalse(programs.isEmpty(), "no run started within a minute");
        List<ProcessHandle> all = p.descendants().toList();
        Programs.signal(p, "TERM");
        assertTrue(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS), "search did not end after SIGTERM");
        assertEquals(SearchCommand.SIGNALLED, p.exitValue(), Files.readString(tmp.resolve("err")));
        assertTrue(Files.readString(tmp.resolve("err")).contains("detsim: search: stopped by a signal"));
        Thread.sleep(500);
        for (ProcessHandle h : all) assertFalse(h.isAlive(), "left running: " + h.pid() + " " + h.info().command());
    }
}
