package dev.detsim.targets.cockroach;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CockroachBinaryTest {
    @TempDir
    Path tmp;

    private Path script(String dir, boolean executable) throws IOException {
        Path d = Files.createDirectories(tmp.resolve(dir));
        Path f = d.resolve("cockroach");
        Files.writeString(f, "#!/bin/sh\necho " + dir + "\n");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString(executable ? "rwxr-xr-x" : "rw-r--r--"));
        return f;
    }

    private static CockroachBinary.Found found(CockroachBinary.Resolution r) {
        return assertInstanceOf(CockroachBinary.Found.class, r, r::toString);
    }

    private static String reason(CockroachBinary.Resolution r) {
        return assertInstanceOf(CockroachBinary.NotFound.class, r, r::toString).reason();
    }

    @Test
    void explicitPathWinsOverEnvironmentAndPath() throws IOException {
        Path explicit = script("explicit", true);
        Path env = script("env", true);
        Path onPath = script("onpath", true);
        CockroachBinary.Found f = found(CockroachBinary.resolve(explicit,
                Map.of("COCKROACH_BINARY", env.toString(), "PATH", onPath.getParent().toString())));
        assertEquals(explicit, f.path());
        assertEquals(CockroachBinary.Source.EXPLICIT, f.source());
        assertTrue(f.found());
    }

    @Test
    void environmentWinsOverPath() throws IOException {
        Path env = script("env", true);
        Path onPath = script("onpath", true);
        CockroachBinary.Found f = found(CockroachBinary.resolve(null,
                Map.of("COCKROACH_BINARY", env.toString(), "PATH", onPath.getParent().toString())));
        assertEquals(env, f.path());
        assertEquals(CockroachBinary.Source.ENVIRONMENT, f.source());
    }

    @Test
    void pathIsSearchedInOrderSkippingNonExecutables() throws IOException {
        Path notExec = script("a", false);
        Path first = script("b", true);
        Path second = script("c", true);
        String path = tmp.resolve("missing") + ":" + notExec.getParent() + ":" + first.getParent() + ":"
                + second.getParent();
        CockroachBinary.Found f = found(CockroachBinary.resolve(null, Map.of("PATH", path)));
        assertEquals(first, f.path());
        assertEquals(CockroachBinary.Source.PATH, f.source());
    }

    @Test
    void blankEnvironmentVariableCountsAsUnset() throws IOException {
        Path onPath = script("onpath", true);
        CockroachBinary.Found f = found(CockroachBinary.resolve(null,
                Map.of("COCKROACH_BINARY", "  ", "PATH", onPath.getParent().toString())));
        assertEquals(CockroachBinary.Source.PATH, f.source());
    }

    @Test
    void nothingFoundGivesTheExactReason() throws IOException {
        Files.createDirectories(tmp.resolve("empty"));
        assertEquals("not run: cockroach binary not found (use --cockroach PATH)",
                reason(CockroachBinary.resolve(null, Map.of("PATH", tmp.resolve("empty").toString()))));
        assertEquals(CockroachBinary.NOT_FOUND_REASON, reason(CockroachBinary.resolve(null, Map.of())));
        assertFalse(CockroachBinary.resolve(null, Map.of()).found());
    }

    @Test
    void aDirectoryNamedCockroachOnPathIsNotABinary() throws IOException {
        Files.createDirectories(tmp.resolve("d/cockroach"));
        assertEquals(CockroachBinary.NOT_FOUND_REASON,
                reason(CockroachBinary.resolve(null, Map.of("PATH", tmp.resolve("d").toString()))));
    }

    @Test
    void unusableExplicitOrEnvironmentBinaryIsReportedNotSkipped() throws IOException {
        Path onPath = script("onpath", true);
        Map<String, String> env = Map.of("PATH", onPath.getParent().toString());

        Path notExec = script("plain", false);
        assertEquals("not run: cockroach binary " + notExec + " (from --cockroach) is not executable",
                reason(CockroachBinary.resolve(notExec, env)));

        Path missing = tmp.resolve("nope/cockroach");
        assertEquals("not run: cockroach binary " + missing + " (from --cockroach) does not exist",
                reason(CockroachBinary.resolve(missing, env)));

        assertEquals("not run: cockroach binary " + tmp + " (from COCKROACH_BINARY) is not a regular file",
                reason(CockroachBinary.resolve(null, Map.of("COCKROACH_BINARY", tmp.toString(),
                        "PATH", onPath.getParent().toString()))));
    }
}
