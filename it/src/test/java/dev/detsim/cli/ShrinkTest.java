package dev.detsim.cli;

import static dev.detsim.cli.Programs.detsimCommand;
import static dev.detsim.cli.Programs.guest;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * detsim shrink (issue 20, item 5) on the racy counters: a bug search found is cut to at most 2 switches in at
 * most 200 runs, its critical pair names both threads at the call inside the read-modify-write window (the
 * return address of the syscall() call between the load and the store of the counter, read from the binary
 * with objdump), and the shrunk recording fails on 10 of 10 replays, also after the bug base moved.
 */
class ShrinkTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private Programs.Result detsim(List<String> args) {
        return Programs.run(new ProcessBuilder(detsimCommand(args)).directory(tmp.toFile()), null, Duration.ofMinutes(6));
    }

    /** The address right after worker's call of syscall(): a thread stopped in that call is inside its window. */
    private static String windowReturnAddress(Path binary, String function) {
        var r = Programs.nativeRun(List.of("objdump", "-d", "--no-show-raw-insn", binary.toString()), null);
        assertEquals(0, r.status(), r.err());
        String body = r.out().substring(r.out().indexOf("<" + function + ">:"));
        Matcher call = Pattern.compile("(?m)^\\s+[0-9a-f]+:\\s+call\\s+[0-9a-f]+ <syscall@plt>\\n\\s+([0-9a-f]+):").matcher(body);
        assertTrue(call.find(), "no call of syscall() in " + function);
        return binary + ":0x" + call.group(1);
    }

    private JsonNode searchThenShrink(Path binary, String failOn, List<String> args) throws Exception {
        Path bugbase = tmp.resolve("bugs");
        List<String> search = new ArrayList<>(List.of("search", "--seeds=1..6", "--until=1", "--jobs=1",
                "--spot-check=0", "--bugbase=" + bugbase, "--fail-on=" + failOn, "--"));
        search.add(binary.toString());
        search.addAll(args);
        var found = detsim(search);
        assertEquals(42, found.status(), found.err());
        JsonNode entries = JSON.readTree(detsim(List.of("bugs", "--bugbase=" + bugbase, "--json")).out());
        String id = entries.get(0).path("id").asText();
        var shrunk = detsim(List.of("shrink", "--bugbase=" + bugbase, "--json=-", id));
        assertEquals(0, shrunk.status(), shrunk.err());
        JsonNode r = JSON.readTree(shrunk.out());
        JsonNode entry = JSON.readTree(detsim(List.of("bugs", "--bugbase=" + bugbase, "--json")).out()).get(0);
        assertEquals("shrunk/recording", entry.path("shrunk").asText());
        return r;
    }

    private static void assertShrunkToTheWindow(JsonNode r, String window, String function) {
        assertTrue(r.path("switchesKept").asInt() <= 2, r.toPrettyString());
        assertEquals(r.path("switchesMinimal").asInt(), r.path("switchesKept").asInt());
        assertTrue(r.path("runs").asInt() <= 200, r.toPrettyString());
        assertTrue(r.path("oneMinimal").asBoolean(), r.toPrettyString());
        assertEquals(10, r.path("replaysFailed").asInt(), r.toPrettyString());
        JsonNode pair = r.path("criticalPair");
        assertNotEquals(pair.path("first").path("thread").asInt(), pair.path("second").path("thread").asInt());
        assertEquals(window, pair.path("first").path("caller").asText(), r.toPrettyString());
        assertEquals(window, pair.path("second").path("caller").asText(), r.toPrettyString());
        for (String which : List.of("first", "second")) { // the binary keeps its symbols: the caller is named
            assertTrue(pair.path(which).path("callerFunction").asText().startsWith(function + "+0x"), r.toPrettyString());
        }
    }

    @Test
    void aLostGetppidUpdateShrinksToTheTwoThreadsInsideTheWindow() throws Exception {
        Path binary = guest("racy_getppid");
        JsonNode r = searchThenShrink(binary, "regex:(?m)^([0-7][0-9][0-9]|[0-9][0-9]?)$", List.of());
        assertShrunkToTheWindow(r, windowReturnAddress(binary, "work"), "work");
        assertEquals("getppid", r.path("criticalPair").path("first").path("syscall").asText());

        // The recording keeps its schedule: moved with its bug base, it replays as it did.
        Path moved = Files.move(tmp.resolve("bugs"), tmp.resolve("moved"));
        Path recording = moved.resolve(r.path("id").asText()).resolve("shrunk/recording");
        var manifest = JSON.readTree(recording.resolve("recording.json").toFile());
        Files.createDirectories(Path.of(manifest.path("workingDirectory").asText()));
        var replay = detsim(List.of("replay", recording.toString()));
        assertEquals(0, replay.status(), replay.err());
        assertTrue(replay.err().contains("detsim: replay: identical"), replay.err());
        assertTrue(replay.out().strip().matches("[0-7]?[0-9]?[0-9]"), "a lost update: " + replay.out());
    }

    @Test
    void aLostClockUpdateShrinksToTheTwoThreadsInsideTheWindow() throws Exception {
        Path binary = guest("racy_counter");
        // 200 rounds: with 500, a thread left waiting 1,000 turns runs next and splits a window with no switch at all.
        JsonNode r = searchThenShrink(binary, "regex:counter ([0-9]{1,2}|[0-7][0-9]{2}) of 800", List.of("4", "200"));
        assertShrunkToTheWindow(r, windowReturnAddress(binary, "worker"), "worker");
        assertEquals("clock_gettime", r.path("criticalPair").path("first").path("syscall").asText());
        assertTrue(r.path("criticalPair").path("first").path("after").asBoolean(), "detsim answers it: stopped at its return");
    }

    /**
     * Go: four goroutines on four threads (GOMAXPROCS=4) race on a counter with getppid in the window; the pair
     * is two threads at that getppid (the Go runtime's syscall code: no C caller to name).
     */
    @Test
    void goroutinesRacingAcrossThreadsShrinkToTwoThreadsAtTheCallInTheWindow() throws Exception {
        JsonNode r = searchThenShrink(Path.of("/usr/bin/env"), "regex:(?m)^([0-7][0-9][0-9]|[0-9][0-9]?)$",
                List.of("GOMAXPROCS=4", guest("goracy").toString()));
        assertTrue(r.path("switchesKept").asInt() <= 2, r.toPrettyString());
        assertEquals(10, r.path("replaysFailed").asInt(), r.toPrettyString());
        JsonNode pair = r.path("criticalPair");
        assertNotEquals(pair.path("first").path("thread").asInt(), pair.path("second").path("thread").asInt());
        for (String which : List.of("first", "second")) {
            assertEquals("getppid", pair.path(which).path("syscall").asText(), r.toPrettyString());
            assertTrue(pair.path(which).path("site").asText().startsWith(guest("goracy") + ":0x"), r.toPrettyString());
        }
    }

    /** Naming where switches happened reads the threads' registers and memory, and changes nothing in the run. */
    @Test
    void namingSwitchSitesLeavesTheRunAsItIs() throws Exception {
        List<String> run = List.of("run", "--chaos-policy=random", "--seed=3", "--digest");
        List<String> withSites = new ArrayList<>(run);
        withSites.add("--switch-sites=" + tmp.resolve("sites"));
        String program = guest("racy_getppid").toString();
        var plain = detsim(concat(run, program));
        var named = detsim(concat(withSites, program));
        assertEquals(0, plain.status(), plain.err());
        assertEquals(plain.out(), named.out());
        assertTrue(plain.err().contains("detsim: digest "), plain.err());
        assertEquals(plain.err(), named.err());
        assertTrue(Files.readAllLines(tmp.resolve("sites")).size() > 100, "a random schedule switches often");
    }

    private static List<String> concat(List<String> a, String b) {
        List<String> all = new ArrayList<>(a);
        all.add("--");
        all.add(b);
        return all;
    }

    /** SIGTERM to a shrink in progress ends its run, keeps nothing, and leaves no traced process. */
    @Test
    void aSignalEndsTheShrinkAndItsRun() throws Exception {
        Path bugbase = tmp.resolve("bugs");
        var found = detsim(List.of("search", "--seeds=1..6", "--until=1", "--jobs=1", "--spot-check=0",
                "--bugbase=" + bugbase, "--fail-on=regex:(?m)^([0-7][0-9][0-9]|[0-9][0-9]?)$", "--",
                guest("racy_getppid").toString()));
        assertEquals(42, found.status(), found.err());
        String id = JSON.readTree(detsim(List.of("bugs", "--bugbase=" + bugbase, "--json")).out()).get(0).path("id").asText();
        Process shrink = new ProcessBuilder(detsimCommand(List.of("shrink", "--bugbase=" + bugbase, id)))
                .directory(tmp.toFile()).redirectOutput(tmp.resolve("out").toFile())
                .redirectError(tmp.resolve("err").toFile()).start();
        Thread.sleep(4000); // the original run and a few candidates are done by then (a whole shrink takes 10 s and more)
        shrink.destroy(); // SIGTERM
        assertTrue(shrink.waitFor(60, java.util.concurrent.TimeUnit.SECONDS));
        String err = Files.readString(tmp.resolve("err"));
        assertEquals(130, shrink.exitValue(), err);
        assertTrue(err.contains("detsim: shrink: stopped by a signal after "), err);
        assertTrue(Files.notExists(bugbase.resolve(id).resolve("shrunk")));
        Thread.sleep(200);
        var left = Programs.nativeRun(List.of("pgrep", "-f", guest("racy_getppid").toString()), null);
        assertEquals(1, left.status(), "left running: " + left.out());
    }

    @Test
    void whatCannotBeShrunkIsSaidInOneLine() throws Exception {
        var none = detsim(List.of("shrink", "--bugbase=" + tmp.resolve("nothing"), "abc"));
        assertEquals(65, none.status(), none.err());
        assertEquals(1, none.err().lines().count(), none.err());
        Files.createDirectories(tmp.resolve("empty"));
        var missing = detsim(List.of("shrink", "--bugbase=" + tmp.resolve("empty"), "abc"));
        assertEquals(2, missing.status(), missing.err());
        assertEquals("detsim: shrink: " + tmp.resolve("empty") + " has no entry abc", missing.err().strip());
    }
}
