package dev.detsim.feasibility;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GoToolchainTest {
    @TempDir
    Path tmp;

    @Test
    void everyGoSourceIsShippedAndListed() throws IOException {
        Path src = Path.of("src/main/go");
        try (Stream<Path> files = Files.walk(src)) {
            List<String> onDisk = files.filter(p -> p.toString().endsWith(".go"))
                    .map(p -> src.relativize(p).toString()).sorted().toList();
            assertEquals(onDisk, GoToolchain.SOURCES.stream().sorted().toList());
        }
        for (String s : GoToolchain.SOURCES) {
            assertEquals(Files.size(src.resolve(s)), GoToolchain.source(s).length, s + " as a resource");
        }
        for (String program : GoToolchain.PROGRAMS) {
            assertEquals(true, GoToolchain.SOURCES.contains(program + "/main.go"), program);
        }
    }

    @Test
    void noGoOnPathMakesEveryBenchmarkUnavailableWithTheReason() throws Exception {
        Map<String, GoToolchain.Build> builds = GoToolchain.buildAll(tmp, Map.of("PATH", tmp.toString()));
        assertEquals(GoToolchain.PROGRAMS, List.copyOf(builds.keySet()));
        for (GoToolchain.Build b : builds.values()) {
            assertEquals("not run: the Go toolchain (go) was not found on PATH (apt-get install golang-go)",
                    assertInstanceOf(GoToolchain.Unavailable.class, b).reason());
        }
        try (Stream<Path> left = Files.list(tmp)) {
            assertEquals(0, left.count(), "nothing built, nothing cached");
        }
    }

    @Test
    void theCacheKeyFollowsTheGoVersion() throws IOException {
        assertNotEquals(GoToolchain.hash("go version go1.19.8 linux/amd64"),
                GoToolchain.hash("go version go1.21.0 linux/amd64"));
        assertEquals(GoToolchain.hash("go1.19"), GoToolchain.hash("go1.19"));
    }
}
