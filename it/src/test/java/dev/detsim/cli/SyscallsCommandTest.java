package dev.detsim.cli;

import static dev.detsim.cli.Programs.detsimCommand;
import static dev.detsim.cli.Programs.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * detsim syscalls from the packaged jar: the JSON parses (with Jackson, not the hand-written writer that made
 * it), the dispatch order it prints is the pinned one, and docs/SYSCALLS.md is what --markdown prints now.
 */
class SyscallsCommandTest {
    private static final Path ROOT = Path.of("..");

    private static String detsim(String... args) {
        var r = run(new ProcessBuilder(detsimCommand(List.of(args))), null, Programs.DEFAULT_TIMEOUT);
        assertEquals(0, r.status(), r.err());
        assertEquals("", r.err());
        return r.out();
    }

    @Test
    void jsonHasARowPerSyscallWithThePinnedDispatchOrder() throws IOException {
        JsonNode rows = new ObjectMapper().readTree(detsim("syscalls", "--json"));
        assertTrue(rows.isArray() && rows.size() >= 300, "rows: " + rows.size());
        Map<String, JsonNode> byName = new HashMap<>();
        for (JsonNode row : rows) {
            assertEquals(Set.of("name", "number", "handlers", "support", "note"), fieldNames(row), row.toString());
            assertTrue(Set.of("full", "partial", "passthrough", "refused").contains(row.get("support").asText()), row.toString());
            assertTrue(row.get("number").isInt() && row.get("number").asInt() >= 0, row.toString());
            if (!row.get("handlers").isEmpty()) {
                assertTrue(!row.get("support").asText().equals("passthrough"), "passthrough with handlers: " + row);
            }
            byName.put(row.get("name").asText(), row);
        }
        assertEquals(List.of("OpenRedirectHandler", "FileChangeHandler"), strings(byName.get("openat").get("handlers")));
        assertEquals(List.of("FutexHandler"), strings(byName.get("futex").get("handlers")));
        assertEquals(List.of("BlockingIoHandler"), strings(byName.get("read").get("handlers")));
        assertEquals(List.of("StatHandler"), strings(byName.get("newfstatat").get("handlers")));
        assertEquals(List.of("tracer"), strings(byName.get("clone").get("handlers")));
        assertEquals(List.of(), strings(byName.get("getpid").get("handlers")));
        assertEquals("refused", byName.get("futex_waitv").get("support").asText());
        assertEquals("refused", byName.get("io_uring_setup").get("support").asText());
    }

    @Test
    void theTextTableShowsTheSameOrder() {
        String openat = detsim("syscalls").lines().filter(l -> l.startsWith("openat ")).findFirst().orElseThrow();
        assertTrue(openat.matches("openat +\\d+ +OpenRedirectHandler > FileChangeHandler +partial +\\S.*"), openat);
    }

    @Test
    void docsSyscallsMdIsCurrent() throws IOException {
        String doc = Files.readString(ROOT.resolve("docs/SYSCALLS.md"));
        assertEquals(detsim("syscalls", "--markdown"), doc,
                "docs/SYSCALLS.md is stale: regenerate it with ./detsim syscalls --markdown > docs/SYSCALLS.md");
        assertTrue(Files.readString(ROOT.resolve("docs/LIMITS.md")).contains("docs/SYSCALLS.md"), "LIMITS.md links it");
    }

    @Test
    void jsonAndMarkdownExcludeEachOther() {
        var r = run(new ProcessBuilder(detsimCommand(List.of("syscalls", "--json", "--markdown"))), null,
                Programs.DEFAULT_TIMEOUT);
        assertEquals(2, r.status());
        assertTrue(r.err().startsWith("detsim: ") && r.err().lines().findFirst().orElseThrow().contains("--json"), r.err());
    }

    private static Set<String> fieldNames(JsonNode row) {
        Set<String> names = new java.util.HashSet<>();
        row.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}
