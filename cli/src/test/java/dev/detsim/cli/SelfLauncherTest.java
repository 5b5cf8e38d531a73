package dev.detsim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** verify's runs use the launcher's AOT cache only when it was trained on the jar as it is now. */
class SelfLauncherTest {
    @TempDir
    Path dir;

    @Test
    void aCacheOlderThanTheJarIsNotUsed() throws Exception {
        Path jar = Files.writeString(dir.resolve("detsim-cli.jar"), "jar");
        assertEquals(Optional.empty(), SelfLauncher.aotCacheFor(jar), "no cache yet");
        Path aot = Files.writeString(dir.resolve("detsim.aot"), "aot");
        Files.setLastModifiedTime(aot, FileTime.fromMillis(1_000_000));
        Files.setLastModifiedTime(jar, FileTime.fromMillis(2_000_000));
        assertEquals(Optional.empty(), SelfLauncher.aotCacheFor(jar), "the jar was rebuilt after the cache");
        Files.setLastModifiedTime(aot, FileTime.fromMillis(3_000_000));
        assertEquals(Optional.of(aot), SelfLauncher.aotCacheFor(jar));
    }
}
