package dev.detsim.recorder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;

/** Whole directory trees on disk: the recordings, bug bases and working copies detsim writes and removes. */
public final class FileTrees {
    private FileTrees() {}

    /** Deletes dir and everything under it, if it exists (links are removed, not followed). */
    public static void delete(Path dir) throws IOException {
        if (!Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) return;
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }
}
