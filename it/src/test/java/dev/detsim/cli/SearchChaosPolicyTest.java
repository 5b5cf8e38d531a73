package dev.detsim.cli;

import static dev.detsim.cli.Programs.detsimCommand;
import static dev.detsim.cli.Programs.detsimRun;
import static dev.detsim.cli.Programs.guest;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** detsim search --chaos-policy: every run of a seed (first, re-runs, the recording) follows the policy given. */
class SearchChaosPolicyTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String LOST_UPDATE = "regex:(?m)^([0-7][0-9][0-9]|[0-9][0-9]?)$";

    @TempDir
    Path tmp;

    @Test
    void aRandomThreadAtEveryPointLosesAnUpdateInEverySeed() throws Exception {
        String racy = guest("racy_getppid").toString();
        var swarm = detsimRun(List.of("--chaos", "--seed=1"), List.of(racy), null);
        assertEquals("800\n", swarm.out(), "seed 1's swarm policy loses nothing (so the search below must pass its policy on)");

        Path bugbase = tmp.resolve("bugs");
        Path report = tmp.resolve("report.json");
        List<String> args = List.of("search", "--seeds=1..4", "--jobs=2", "--spot-check=0", "--chaos-policy=random",
                "--fail-on=" + LOST_UPDATE, "--bugbase=" + bugbase, "--json=" + report, "--", racy);
        var r = Programs.run(new ProcessBuilder(detsimCommand(args)).directory(tmp.toFile()), null,
                Programs.DEFAULT_TIMEOUT.multipliedBy(2));
        assertEquals(SearchCommand.FOUND, r.status(), r.err());
        assertEquals(4, JSON.readTree(Files.readString(report)).get("failures").asInt(), Files.readString(report));

        var list = Programs.run(new ProcessBuilder(detsimCommand(List.of("bugs", "--bugbase=" + bugbase, "--json"))),
                null, Programs.DEFAULT_TIMEOUT);
        JsonNode entries = JSON.readTree(list.out());
        assertEquals(1, entries.size(), entries.toString());
        JsonNode bug = entries.get(0);
        assertEquals("bug", bug.get("kind").asText(), "every re-run lost an update too: " + bug);
        assertEquals("[1,2,3,4]", bug.get("seeds").toString());
        List<String> options = JSON.convertValue(bug.get("options"), JSON.getTypeFactory().constructCollectionType(List.class, String.class));
        assertTrue(options.contains("--chaos-policy=random"), options.toString());
        assertFalse(options.contains("--chaos"), options.toString());
        JsonNode manifest = JSON.readTree(Files.readString(bugbase.resolve(bug.get("id").asText())
                .resolve("recording").resolve("recording.json")));
        assertTrue(manifest.get("runOptions").toString().contains("--chaos-policy=random"), manifest.get("runOptions").toString());
    }

    @Test
    void aPolicyThatIsNoneIsABadOption() {
        var r = Programs.run(new ProcessBuilder(detsimCommand(List.of("search", "--seeds=1..2", "--chaos-policy=fifo",
                "--bugbase=" + tmp.resolve("b"), "--", "/bin/true"))), null, Programs.DEFAULT_TIMEOUT);
        assertEquals(2, r.status(), r.err());
        assertTrue(r.err().startsWith("detsim: --chaos-policy: unknown chaos policy 'fifo'"), r.err());
    }
}
