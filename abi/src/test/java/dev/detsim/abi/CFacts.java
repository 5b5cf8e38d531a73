package dev.detsim.abi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/** What abi-facts (src/test/c, compiled by the build) prints: C's values and layouts, and sample structs. */
final class CFacts {
    private static Map<String, String> facts;

    private CFacts() {}

    /** Every "NAME VALUE" line, in the program's order. */
    static synchronized Map<String, String> all() {
        if (facts == null) facts = load();
        return facts;
    }

    static long value(String name) {
        String v = all().get(name);
        assertNotNull(v, name + " is not among abi-facts' lines");
        return Long.parseLong(v);
    }

    static byte[] sample(String name) {
        String v = all().get("sample." + name);
        assertNotNull(v, "abi-facts printed no sample " + name);
        return HexFormat.of().parseHex(v);
    }

    private static Map<String, String> load() {
        String program = System.getProperty("detsim.abi.facts");
        assertNotNull(program, "detsim.abi.facts is not set: run the tests through Maven (abi/pom.xml builds abi-facts)");
        assertTrue(Files.isExecutable(Path.of(program)), program + " is missing: src/test/c did not compile");
        try {
            Process p = new ProcessBuilder(program).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, p.waitFor(), program + " failed: " + out);
            Map<String, String> m = new LinkedHashMap<>();
            for (String line : out.split("\n")) {
                if (line.isBlank()) continue;
                String[] f = line.split(" ");
                assertEquals(2, f.length, "not NAME VALUE: " + line);
                assertTrue(m.put(f[0], f[1]) == null, f[0] + " printed twice");
            }
            return m;
        } catch (IOException e) {
            throw new AssertionError("cannot run " + program, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
