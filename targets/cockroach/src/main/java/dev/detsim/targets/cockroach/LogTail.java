package dev.detsim.targets.cockroach;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** Small file helpers: the last lines of a log, and deleting a directory tree. */
final class LogTail {
    /** At most this many bytes from the end of the file are read. */
    static final int MAX_BYTES = 64 * 1024;

    private LogTail() {}

    /** The last {@code n} lines of {@code file} (fewer if it is shorter), or a note if it cannot be read. */
    static List<String> lastLines(Path file, int n) {
        if (!Files.exists(file)) {
            return List.of("(log file " + file + " does not exist)");
        }
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
            long len = raf.length();
            int size = (int) Math.min(len, MAX_BYTES);
            byte[] buf = new byte[size];
            raf.seek(len - size);
            raf.readFully(buf);
            String text = new String(buf, StandardCharsets.UTF_8); // malformed bytes become U+FFFD
            List<String> lines = Arrays.asList(text.split("\\R", -1));
            if (!lines.isEmpty() && lines.getLast().isEmpty()) {
                lines = lines.subList(0, lines.size() - 1);
            }
            if (size < len && !lines.isEmpty()) {
                lines = lines.subList(1, lines.size()); // the first line was cut
            }
            if (lines.isEmpty()) {
                return List.of("(log file " + file + " is empty)");
            }
            return List.copyOf(lines.subList(Math.max(0, lines.size() - n), lines.size()));
        } catch (IOException e) {
            return List.of("(log file " + file + " could not be read: " + e + ")");
        }
    }

    /** The last {@code n} lines, each indented, for an exception message. */
    static String formatted(Path file, int n) {
        StringBuilder sb = new StringBuilder();
        for (String line : lastLines(file, n)) {
            sb.append("\n  | ").append(line);
        }
        return sb.toString();
    }

    /** Deletes {@code dir} and everything under it; best effort, never throws. */
    static void deleteTree(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // best effort
                }
            }
        } catch (IOException | RuntimeException ignored) {
            // best effort
        }
    }
}
