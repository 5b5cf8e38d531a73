package dev.detsim.cli;

import static dev.detsim.cli.Programs.detsimRun;
import static dev.detsim.cli.Programs.guest;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 20 item 4: `--chaos` must reach races that PCT at depth 3 missed. Over the first ten seeds, chaos must
 * find the seed-002 sqlite race (a worker records id 0 after a retry) and racy_getppid's lost update in a
 * stated share of seeds, every seed must repeat its outcome, and the policy a seed drew (--stats "schedule")
 * given back with --chaos-policy must repeat the run. The shares are those docs/CHAOS.md measured over 40
 * seeds with a margin: the outcome of a seed is deterministic, so these numbers change only with the
 * policies' draw or with detsim's schedule, never with luck.
 */
class ChaosFindsRacesTest {
    private static final Path RETRY_ROWID = Path.of("../targets/sqlite/scenarios/retry_rowid.sh").toAbsolutePath().normalize();
    private static final Pattern SCHEDULE = Pattern.compile("\"schedule\":\"([^\"]+)\"");

    @TempDir
    Path dir;

    /** One chaos run: its exit status, stdout and the schedule --stats named. */
    record Outcome(int status, String out, String schedule) {}

    private Outcome chaos(List<String> options, List<String> command) throws IOException {
        Path stats = dir.resolve("stats.json");
        List<String> all = new ArrayList<>(options);
        all.add("--stats=" + stats);
        var r = detsimRun(all, command, null);
        if (r.status() != 0 && r.status() != 1) fail(command + " " + options + ": status " + r.status() + ": " + r.err());
        Matcher m = SCHEDULE.matcher(Files.readString(stats));
        if (!m.find()) fail("no schedule in --stats: " + Files.readString(stats));
        return new Outcome(r.status(), r.out(), m.group(1));
    }

    /**
     * Runs command under --chaos for seeds 1..10, twice each; asserts each seed repeats itself, that at least
     * minFailing seeds fail, and that the first failing seed's drawn policy, pinned, fails the same way.
     * Returns the failing seeds with their schedules.
     */
    private TreeMap<Integer, String> findAndRepeat(List<String> command, Predicate<Outcome> failed, int minFailing)
            throws IOException {
        TreeMap<Integer, String> failing = new TreeMap<>();
        Set<String> kinds = new HashSet<>();
        for (int seed = 1; seed <= 10; seed++) {
            Outcome once = chaos(List.of("--chaos", "--seed=" + seed), command);
            Outcome again = chaos(List.of("--chaos", "--seed=" + seed), command);
            assertEquals(once, again, "seed " + seed + " did not repeat itself");
            kinds.add(once.schedule().split(":")[0]);
            if (failed.test(once)) failing.put(seed, once.schedule() + ": " + once.out().strip());
        }
        assertTrue(kinds.size() >= 3, "ten seeds drew too few kinds of policy: " + kinds);
        assertTrue(failing.size() >= minFailing, "chaos found the race in " + failing.size() + " of 10 seeds, expected "
                + minFailing + " or more: " + failing);
        int seed = failing.firstKey();
        String schedule = failing.get(seed).split(": ")[0];
        Outcome pinned = chaos(List.of("--chaos-policy=" + schedule, "--seed=" + seed), command);
        assertEquals(schedule, pinned.schedule());
        assertEquals(failing.get(seed), pinned.schedule() + ": " + pinned.out().strip(),
                "the drawn policy given back with --chaos-policy must repeat seed " + seed);
        return failing;
    }

    @Test
    void chaosFindsTheSqliteRetryThatRecordsIdZeroInAShareOfSeeds() throws IOException {
        assertTrue(Files.isRegularFile(RETRY_ROWID), RETRY_ROWID + " missing");
        List<String> command = List.of("bash", RETRY_ROWID.toString(), dir.resolve("db").toString());
        findAndRepeat(command, o -> o.status() == 1 && o.out().matches("[1-6] of 6 workers recorded id 0 .*\n"), 4);
        // PCT at depth 3 over 10,000 turns (the earlier --chaos) almost never splits a transaction.
        int oldFailures = 0;
        for (int seed = 1; seed <= 10; seed++) {
            oldFailures += chaos(List.of("--chaos-policy=pct:3:10000", "--seed=" + seed), command).status();
        }
        assertTrue(oldFailures <= 2, "pct:3:10000 found it in " + oldFailures + " of 10 seeds; docs/CHAOS.md says rarely");
    }

    @Test
    void chaosFindsTheLostUpdateAroundGetppidInAShareOfSeeds() throws IOException {
        List<String> command = List.of(guest("racy_getppid").toString());
        findAndRepeat(command, o -> o.status() == 0 && !o.out().equals("800\n"), 5);
    }

    @Test
    void theSwitchesAChaosRunWroteRepeatItAsAScript() throws IOException {
        // The schedule as data (the base of shrinking): --stats "switches" given back as --chaos-policy=script:FILE.
        List<String> command = List.of(guest("racy_getppid").toString());
        Path stats = dir.resolve("stats.json"), script = dir.resolve("switches");
        for (int seed : List.of(3, 4)) {
            var chaos = detsimRun(List.of("--chaos", "--seed=" + seed, "--digest", "--stats=" + stats), command, null);
            assertEquals(0, chaos.status(), chaos.err());
            Matcher m = Pattern.compile("\"switches\":\"([0-9:,]*)\"").matcher(Files.readString(stats));
            assertTrue(m.find(), Files.readString(stats));
            assertTrue(m.group(1).contains(","), "a chaos run of four threads with no switch: " + m.group(1));
            Files.writeString(script, m.group(1));
            var followed = detsimRun(List.of("--chaos-policy=script:" + script, "--seed=" + seed, "--digest",
                    "--stats=" + stats), command, null);
            assertEquals(chaos.out(), followed.out());
            assertEquals(chaos.err(), followed.err(), "the same digest");
            assertTrue(Files.readString(stats).contains("\"schedule\":\"script("), Files.readString(stats));
        }
        Files.writeString(script, "");
        var none = detsimRun(List.of("--chaos-policy=script:" + script), command, null);
        assertEquals("800\n", none.out(), "no switch: each thread runs its loop alone");
        Files.writeString(script, "5:x");
        var bad = detsimRun(List.of("--chaos-policy=script:" + script), command, null);
        assertEquals(2, bad.status());
        assertTrue(bad.err().startsWith("detsim: --chaos-policy script: "), bad.err());
    }

    @Test
    void aRaceWithNoSyscallInItsWindowIsSplitByTickBoundariesAtSeededCounts() throws IOException {
        // racy_plain's window holds no syscall: chaos alone never splits it (800 at every seed). With a tick
        // source inside the window (here the probe of window_step, which counts on every machine; retired
        // branches where the CPU counts them), each turn's first boundary is a seeded draw: some seeds lose
        // updates, and each seed repeats its count. docs/CHAOS.md measured 6 of seeds 1..8.
        String plain = guest("racy_plain").toString();
        var site = Programs.nativeRun(List.of(plain, "site"), null);
        assertEquals(0, site.status(), site.err());
        String probe = "--preempt-by=probe:" + site.out().strip();
        int lost = 0;
        for (int seed = 1; seed <= 8; seed++) {
            var without = detsimRun(List.of("--chaos", "--seed=" + seed), List.of(plain), null);
            assertEquals("800\n", without.out(), "seed " + seed + " without ticks: " + without.err());
            var with = detsimRun(List.of("--chaos", "--seed=" + seed, probe), List.of(plain), null);
            assertEquals(0, with.status(), with.err());
            var again = detsimRun(List.of("--chaos", "--seed=" + seed, probe), List.of(plain), null);
            assertEquals(with.out(), again.out(), "seed " + seed + " repeats its count");
            if (!with.out().equals("800\n")) lost++;
        }
        assertTrue(lost >= 4, "seeds of 1..8 that lost an update: " + lost);
    }
}
