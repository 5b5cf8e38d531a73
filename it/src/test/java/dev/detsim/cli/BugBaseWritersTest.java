package dev.detsim.cli;

import static dev.detsim.cli.Programs.detsimCommand;
import static dev.detsim.cli.Programs.guest;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two searches over disjoint seed ranges writing one bug base at the same time (issue 20): the bug base they leave
 * is the one a single search over the whole range leaves — the same entries, seeds and history runs.
 */
class BugBaseWritersTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String LOST_UPDATE = "regex:(?m)^([0-7][0-9][0-9]|[0-9][0-9]?)$";

    @TempDir
    Path tmp;

    private Programs.Result search(Path bugbase, String seeds, String jobs) {
        List<String> args = new ArrayList<>(List.of("search", "--seeds=" + seeds, "--jobs=" + jobs, "--spot-check=0",
                "--fail-on=" + LOST_UPDATE, "--bugbase=" + bugbase, "--", guest("racy_getppid").toString()));
        return Programs.run(new ProcessBuilder(detsimCommand(args)).directory(tmp.toFile()), null,
                Programs.DEFAULT_TIMEOUT.multipliedBy(2));
    }

    /** id -> "seeds [..] history [seed run outcome, ...]" (the runs' times left out). */
    private Map<String, String> contents(Path bugbase) throws Exception {
        var r = Programs.run(new ProcessBuilder(detsimCommand(List.of("bugs", "--bugbase=" + bugbase, "--json"))), null,
                Programs.DEFAULT_TIMEOUT);
        assertEquals(0, r.status(), r.err());
        Map<String, String> m = new TreeMap<>();
        for (JsonNode e : JSON.readTree(r.out())) {
            List<String> history = new ArrayList<>();
            e.get("history").forEach(h -> history.add(h.get("seed").asLong() + " " + h.get("run").asText() + " "
                    + h.get("outcome").asText()));
            history.sort(null);
            m.put(e.get("id").asText(), "seeds " + e.get("seeds") + " history " + history);
        }
        return m;
    }

    @Test
    void twoSearchesIntoOneBugBaseAtOnceLoseNothing() throws Exception {
        Path shared = tmp.resolve("shared");
        var low = CompletableFuture.supplyAsync(() -> search(shared, "1..5", "1"));
        var high = CompletableFuture.supplyAsync(() -> search(shared, "6..10", "1"));
        for (var r : List.of(low.get(), high.get())) {
            assertTrue(r.status() == 0 || r.status() == SearchCommand.FOUND, r.err());
        }
        var whole = search(tmp.resolve("whole"), "1..10", "2");
        assertEquals(SearchCommand.FOUND, whole.status(), whole.err());
        Map<String, String> expected = contents(tmp.resolve("whole"));
        assertFalse(expected.isEmpty());
        assertEquals(expected, contents(shared));
        for (JsonNode e : JSON.readTree(Programs.run(new ProcessBuilder(detsimCommand(List.of("bugs", "--bugbase=" + shared,
                "--json"))), null, Programs.DEFAULT_TIMEOUT).out())) {
            System.out.println("two writers: entry " + e.get("id").asText() + " seeds " + e.get("seeds") + ", "
                    + e.get("history").size() + " history lines");
        }
    }
}
