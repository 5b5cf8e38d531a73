package dev.detsim.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The mount points this process sees, from /proc/self/mountinfo (field 5, with its octal escapes undone). */
final class MountPoints {
    private MountPoints() {}

    static List<Path> all() throws IOException {
        List<Path> points = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
            String[] f = line.split(" ");
            if (f.length > 4) points.add(Path.of(unescape(f[4])));
        }
        return points;
    }

    /** The mount point whose file system holds path: the longest one above it (or it). */
    static Path of(Path path, List<Path> mounts) {
        Path best = Path.of("/");
        for (Path m : mounts) if (path.startsWith(m) && m.getNameCount() > best.getNameCount()) best = m;
        return best;
    }

    /** mountinfo writes space, tab, newline and backslash as \ooo. */
    static String unescape(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 3 < s.length()) {
                b.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }
}
