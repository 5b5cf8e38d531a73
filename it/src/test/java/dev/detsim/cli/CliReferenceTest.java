package dev.detsim.cli;

import static dev.detsim.cli.Programs.detsimCommand;
import static dev.detsim.cli.Programs.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * The documentation against the program (issue 18): docs/CLI.md is the CLI reference, so whatever picocli's
 * usage prints must be in it; the README stays a short front door; a bad path is one line in words.
 */
class CliReferenceTest {
    private static final Path ROOT = Path.of("..");

    private static String help(String... args) {
        var r = run(new ProcessBuilder(detsimCommand(List.of(args))), null, Programs.DEFAULT_TIMEOUT);
        assertEquals(0, r.status(), r.err());
        return r.out();
    }

    /** Option names in an options list: lines like "  -h, --help ..." or "      --seed=N ...". */
    static List<String> optionNames(String usage) {
        List<String> names = new ArrayList<>();
        Matcher m = Pattern.compile("(?m)^ {2,}(?:(-\\w), )?(--[\\w-]+)").matcher(usage);
        while (m.find()) {
            if (m.group(1) != null) names.add(m.group(1));
            names.add(m.group(2));
        }
        return names;
    }

    /** Every status number under "Exit status:" (keys like "86", "0..255", "0/1/3"). */
    static List<String> exitStatuses(String usage) {
        int at = usage.indexOf("Exit status:");
        List<String> statuses = new ArrayList<>();
        if (at < 0) return statuses;
        Matcher m = Pattern.compile("(?m)^  (\\S+) {2,}").matcher(usage.substring(at));
        while (m.find()) {
            String key = m.group(1);
            if (key.contains("..")) statuses.add(key);
            else statuses.addAll(List.of(key.split("/")));
        }
        return statuses;
    }

    @ParameterizedTest
    @ValueSource(strings = {"run", "verify", "record", "replay", "search", "bugs", "feasibility", "syscalls"})
    void everyOptionInTheHelpIsInTheCliReference(String command) throws IOException {
        String usage = help(command, "--help");
        String doc = Files.readString(ROOT.resolve("docs/CLI.md"));
        List<String> options = optionNames(usage);
        assertTrue(options.contains("--help") && options.size() > 3, "parsed the options of: " + usage);
        for (String option : options) {
            assertTrue(Pattern.compile("(?<![\\w-])" + Pattern.quote(option) + "(?![\\w-])").matcher(doc).find(),
                    "docs/CLI.md does not mention " + option + " of detsim " + command);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "run", "verify", "record", "replay", "search", "bugs", "feasibility", "syscalls"})
    void everyExitStatusInTheHelpIsInTheCliReference(String command) throws IOException {
        String usage = command.isEmpty() ? help("--help") : help(command, "--help");
        String doc = Files.readString(ROOT.resolve("docs/CLI.md"));
        String table = doc.substring(doc.indexOf("## Exit status"));
        table = table.substring(0, table.indexOf("\n## ", 1));
        List<String> statuses = exitStatuses(usage);
        assertFalse(statuses.isEmpty(), "detsim " + command + " --help lists no exit status: " + usage);
        for (String status : statuses) {
            assertTrue(table.contains("| " + status + " |"),
                    "exit status " + status + " of detsim " + command + " is not a row of docs/CLI.md's Exit status");
        }
    }

    @Test
    void theTopLevelHelpListsTheDeadlockStatus() {
        assertTrue(exitStatuses(help("--help")).contains("86"), "issue 17: 86 (deadlock) missing from detsim --help");
        assertTrue(exitStatuses(help("run", "--help")).contains("86"));
    }

    @Test
    void anUnwritableEventsFileIsOneLineInWords() {
        var r = run(new ProcessBuilder(detsimCommand(List.of("run", "--events=/nonexistent/dir/f", "--", "true"))),
                null, Programs.DEFAULT_TIMEOUT);
        assertNotEquals(0, r.status());
        assertEquals(2, r.status(), "a file an option cannot use is a bad option");
        assertEquals("detsim: --events: cannot write /nonexistent/dir/f: no such directory\n", r.err());
        assertFalse(r.err().contains("Exception") || r.err().contains("java."), r.err());
    }

    @Test
    void otherUnusableOptionFilesAreOneLineToo() {
        for (List<String> args : List.of(List.of("run", "--stats=/nonexistent/dir/f", "--", "true"),
                List.of("run", "--trace-syscalls=/", "--", "true"),
                List.of("verify", "--input=/", "--", "true"),
                List.of("verify", "--keep=/etc/hostname", "--", "true"))) {
            var r = run(new ProcessBuilder(detsimCommand(args)), null, Programs.DEFAULT_TIMEOUT);
            assertEquals(2, r.status(), args + ": " + r.err());
            assertEquals(1, r.err().lines().count(), args + ": " + r.err());
            assertTrue(r.err().startsWith("detsim: --"), args + ": " + r.err());
            assertFalse(r.err().contains("Exception") || r.err().contains("java."), r.err());
        }
    }

    @Test
    void theReadmeIsAFrontDoor() throws IOException {
        List<String> readme = Files.readAllLines(ROOT.resolve("README.md"));
        assertTrue(readme.size() <= 100, "README.md has " + readme.size() + " lines; details go in docs/");
        String text = String.join("\n", readme);
        assertTrue(text.contains("./detsim run -- bash -c 'seq 100000 | sort -rn | head -3; echo \"exit status"
                + " passes through\"; exit 3'"), "the first quick-start command");
        assertTrue(text.contains("\nbash .ci/run\n"), "the second quick-start command");
    }
}
