package dev.detsim.cli;

import static dev.detsim.cli.Programs.detsimCommand;
import static dev.detsim.cli.Programs.detsimRun;
import static dev.detsim.cli.Programs.guest;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crash sites (issue 20, item 2): a signal raised for an instruction names FILE:0xOFFSET and the function, in
 * run's --stats and its killed-by line, at the instruction binutils puts in that function; search keeps one entry
 * per crash site.
 */
class CrashSiteTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern SITE = Pattern.compile("(/\\S+):0x([0-9a-f]+) \\(([A-Za-z_][A-Za-z0-9_]*)\\+0x([0-9a-f]+)\\)");

    @TempDir
    Path tmp;

    /** The crash site a run of crash_site MODE reports, checked against its killed-by line and status. */
    private String crashSite(String mode, int status) throws Exception {
        Path stats = tmp.resolve(mode + ".json");
        var r = detsimRun(List.of("--stats=" + stats), List.of(guest("crash_site").toString(), mode), null);
        assertEquals(status, r.status(), r.err());
        JsonNode site = JSON.readTree(Files.readString(stats)).get("crashSite");
        assertTrue(site.isTextual(), "crashSite: " + site);
        assertTrue(r.err().contains(") at " + site.asText() + "\n"), r.err());
        return site.asText();
    }

    /** Asserts that site is in the guest, in function, and that the offset lies inside it per nm and readelf. */
    private static void assertIn(String site, String function) throws Exception {
        Matcher m = SITE.matcher(site);
        assertTrue(m.lookingAt(), site);
        Path guest = guest("crash_site").toAbsolutePath().normalize();
        assertEquals(guest.toRealPath().toString(), m.group(1), site);
        assertEquals(function, m.group(3), site);
        long offset = Long.parseLong(m.group(2), 16);
        long address = -1, size = -1;
        for (String line : output("nm", "-S", guest.toString()).split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length == 4 && f[3].equals(function)) {
                address = Long.parseLong(f[0], 16);
                size = Long.parseLong(f[1], 16);
            }
        }
        long fileOffset = -1;
        for (String line : output("readelf", "-lW", guest.toString()).split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length > 5 && f[0].equals("LOAD") && address >= Long.decode(f[2])
                    && address < Long.decode(f[2]) + Long.decode(f[4])) {
                fileOffset = address - Long.decode(f[2]) + Long.decode(f[1]);
            }
        }
        assertTrue(fileOffset >= 0 && offset >= fileOffset && offset <= fileOffset + size,
                site + ": " + function + " is at file offset 0x" + Long.toHexString(fileOffset) + ", size " + size);
        assertEquals(offset - fileOffset, Long.parseLong(m.group(4), 16), site);
    }

    private static String output(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), out);
        return out;
    }

    @Test
    void aFaultNamesItsInstructionAndFunction() throws Exception {
        assertIn(crashSite("segv", 139), "crash_here");
        assertIn(crashSite("fpe", 136), "divide_here");
        assertIn(crashSite("handled", 139), "crash_here"); // the fault's site, not the handler's raise
    }

    @Test
    void abortNamesLibcAndTheCallerOutsideIt() throws Exception {
        String site = crashSite("abort", 134);
        assertTrue(site.contains("libc.so.6:0x") && site.contains(" called from "), site);
        assertIn(site.substring(site.indexOf(" called from ") + " called from ".length()), "abort_here");
    }

    @Test
    void aSignalSentByKillHasNoSite() throws Exception {
        Path stats = tmp.resolve("raise.json");
        var r = detsimRun(List.of("--stats=" + stats), List.of(guest("die_by_signal").toString(), "11"), null);
        assertEquals(139, r.status(), r.err());
        assertTrue(JSON.readTree(Files.readString(stats)).get("crashSite").isNull(), Files.readString(stats));
        assertTrue(r.err().contains("(Segmentation fault)\n"), r.err());
    }

    @Test
    void searchKeepsOneEntryPerCrashSite() throws Exception {
        String crash = guest("crash_site").toString();
        Map<String, TreeSet<Long>> expected = new TreeMap<>(); // function -> seeds, as detsim run says
        for (long seed = 1; seed <= 8; seed++) {
            var r = detsimRun(List.of("--chaos", "--seed=" + seed), List.of(crash, "race"), null);
            Matcher m = Pattern.compile("\\((crash_in_[ab])\\+").matcher(r.err());
            assertTrue(m.find(), r.err());
            expected.computeIfAbsent(m.group(1), k -> new TreeSet<>()).add(seed);
        }
        assertEquals(2, expected.size(), "seeds 1..8 crash at both sites: " + expected);

        Path bugbase = tmp.resolve("bugs");
        List<String> args = new ArrayList<>(List.of("search", "--seeds=1..8", "--jobs=2", "--spot-check=0",
                "--fail-on=signal", "--bugbase=" + bugbase, "--", crash, "race"));
        var s = Programs.run(new ProcessBuilder(detsimCommand(args)).directory(tmp.toFile()), null,
                Programs.DEFAULT_TIMEOUT.multipliedBy(2));
        assertEquals(SearchCommand.FOUND, s.status(), s.err());
        var list = Programs.run(new ProcessBuilder(detsimCommand(List.of("bugs", "--bugbase=" + bugbase, "--json"))),
                null, Programs.DEFAULT_TIMEOUT);
        Map<String, TreeSet<Long>> found = new TreeMap<>();
        List<String> sites = new ArrayList<>();
        for (JsonNode e : JSON.readTree(list.out())) {
            assertEquals("bug", e.get("kind").asText(), e.toString());
            String site = e.get("signature").get("site").asText();
            sites.add(site);
            Matcher m = SITE.matcher(site);
            assertTrue(m.matches(), site);
            TreeSet<Long> seeds = new TreeSet<>();
            e.get("seeds").forEach(n -> seeds.add(n.asLong()));
            found.put(m.group(3), seeds);
        }
        assertEquals(expected, found, "one entry per site, with the seeds that crashed there: " + sites);
        assertNotEquals(sites.get(0).replaceAll(" .*", ""), sites.get(1).replaceAll(" .*", ""));
    }
}
