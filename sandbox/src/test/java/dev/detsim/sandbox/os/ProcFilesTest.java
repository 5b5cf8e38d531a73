package dev.detsim.sandbox.os;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ProcFilesTest {
    @Test
    void readsAWholeFileAsJavaNioDoes() throws Exception {
        Path cmdline = Path.of("/proc/" + Posix.getpid() + "/cmdline"); // one that does not change
        assertArrayEquals(Files.readAllBytes(cmdline), ProcFiles.read(cmdline.toString()));
        Path maps = Path.of("/proc/" + Posix.getpid() + "/maps"); // a JVM's is longer than one buffer
        assertTrue(Files.readAllBytes(maps).length > 8192);
        byte[] read = ProcFiles.read(maps.toString());
        assertTrue(read.length > 8192 && read[read.length - 1] == '\n');
    }

    @Test
    void listsTheNumberedEntriesOfADirectory() throws Exception {
        int[] tasks = ProcFiles.numberedEntries("/proc/" + Posix.getpid() + "/task");
        int[] expected;
        try (var s = Files.list(Path.of("/proc/" + Posix.getpid() + "/task"))) {
            expected = s.mapToInt(p -> Integer.parseInt(p.getFileName().toString())).sorted().toArray();
        }
        Arrays.sort(tasks);
        assertTrue(tasks.length > 1);
        // threads may come and go meanwhile: the main thread is in both
        assertTrue(Arrays.binarySearch(tasks, Posix.getpid()) >= 0 && Arrays.binarySearch(expected, Posix.getpid()) >= 0);
        int[] root = ProcFiles.numberedEntries("/proc");
        assertTrue(Arrays.stream(root).anyMatch(p -> p == Posix.getpid()));
    }

    @Test
    void missingFilesAndDirectoriesAreNull() {
        assertNull(ProcFiles.read("/proc/nonexistent-detsim"));
        assertNull(ProcFiles.numberedEntries("/proc/nonexistent-detsim"));
    }
}
