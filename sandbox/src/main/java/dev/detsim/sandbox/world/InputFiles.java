package dev.detsim.sandbox.world;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.HashSet;
import java.util.Set;

/**
 * The files a run found, for a recording (docs/RECORDING.md, "Files"): which existing files it read, what the
 * files it changed were like before its first change (their content is copied then, before the call runs), and
 * which paths it created that did not exist. Written as it goes to a directory: {@code files.log}, one line per
 * file in the order the run first met it, and {@code before/N}, the copies.
 *
 * <p>Lines are tab-separated, paths escaped ({@link #escape}): {@code read PATH}; {@code before PATH KIND MODE
 * UID GID DATA LINKS} where KIND is file (DATA: the copy's name under before/), directory (DATA: -), symlink (DATA: the
 * link's target, escaped) or other (DATA: -); {@code absent PATH}. Paths are absolute, with the directories
 * above the file resolved (symlinks followed), as the host names them.
 */
public final class InputFiles implements AutoCloseable {
    public static final String LOG = "files.log", BEFORE = "before";

    private final Path directory;
    private final BufferedWriter log;
    /** Paths told as read, and paths told as changed or created: each is told once, as the run first met it. */
    private final Set<String> read = new HashSet<>(), changed = new HashSet<>();
    private int copies;

    public InputFiles(Path directory) throws IOException {
        this.directory = directory;
        Files.createDirectories(directory.resolve(BEFORE));
        this.log = Files.newBufferedWriter(directory.resolve(LOG), StandardCharsets.UTF_8);
    }

    /** The run opens path, an existing file, only to read it. */
    public void read(String path) {
        if (changed.contains(path) || !read.add(path)) return; // a file the run changed is kept as it was before
        Path p = Path.of(path);
        if (Files.isRegularFile(p)) line("read\t" + escape(path));
    }

    /**
     * The run is about to make path (mkdir, mknod, symlink, link): kept as absent when it does not exist; when it
     * does, the call fails (EEXIST) and changes nothing (mkdir -p tries every directory above its own).
     */
    public void creating(String path) {
        if (!Files.exists(Path.of(path), LinkOption.NOFOLLOW_LINKS)) changing(path);
    }

    /** The run is about to change, replace or remove path, or create it if it does not exist. */
    public void changing(String path) {
        if (!changed.add(path)) return;
        Path p = Path.of(path);
        PosixFileAttributes a;
        try {
            a = Files.readAttributes(p, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            line("absent\t" + escape(path)); // does not exist (or cannot be seen, which replay will find too)
            return;
        }
        String kind, data = "-";
        try {
            if (a.isRegularFile()) {
                kind = "file";
                data = Integer.toString(++copies);
                Files.copy(p, directory.resolve(BEFORE).resolve(data), StandardCopyOption.COPY_ATTRIBUTES,
                        LinkOption.NOFOLLOW_LINKS);
            } else if (a.isDirectory()) {
                kind = "directory";
            } else if (a.isSymbolicLink()) {
                kind = "symlink";
                data = escape(Files.readSymbolicLink(p).toString());
            } else {
                kind = "other";
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep " + path + " as it was before the run", e);
        }
        int uid = (Integer) attribute(p, "unix:uid"), gid = (Integer) attribute(p, "unix:gid");
        line("before\t" + escape(path) + "\t" + kind + "\t" + Integer.toOctalString(mode(a.permissions(), p)) + "\t"
                + uid + "\t" + gid + "\t" + data + "\t" + attribute(p, "unix:nlink"));
    }

    private static Object attribute(Path p, String name) {
        try {
            return Files.getAttribute(p, name, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            return -1;
        }
    }

    /** Permission bits with setuid, setgid and sticky, which PosixFilePermission leaves out. */
    private static int mode(Set<PosixFilePermission> permissions, Path p) {
        Object m = attribute(p, "unix:mode");
        if (m instanceof Integer i && i >= 0) return i & 07777;
        int bits = 0;
        for (PosixFilePermission x : permissions) bits |= 1 << (8 - x.ordinal());
        return bits;
    }

    private void line(String s) {
        try {
            log.write(s);
            log.write('\n');
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + directory.resolve(LOG), e);
        }
    }

    @Override
    public void close() throws IOException {
        log.close();
    }

    /** A path in a log line: %, tab, newline and carriage return as %XX. */
    public static String escape(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '%' -> b.append("%25");
                case '\t' -> b.append("%09");
                case '\n' -> b.append("%0A");
                case '\r' -> b.append("%0D");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    public static String unescape(String s) {
        if (s.indexOf('%') < 0) return s;
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%' && i + 2 < s.length()) {
                b.append((char) Integer.parseInt(s.substring(i + 1, i + 3), 16));
                i += 2;
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }
}
