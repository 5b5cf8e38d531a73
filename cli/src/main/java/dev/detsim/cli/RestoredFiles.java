package dev.detsim.cli;

import dev.detsim.recorder.Manifest;
import dev.detsim.recorder.FileTrees;
import dev.detsim.recorder.Recording;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Replay's answer to a recording whose run changed files that existed before it (an sqlite3 database) or created
 * files that exist now: the run sees every such path as the recorded run found it, and the user's files are not
 * touched. For each directory that holds such paths, replay mounts an overlay file system over it, in a mount
 * namespace of the run's own, whose upper layer holds the files as they were before (and a whiteout for each path
 * that did not exist), so every change the run makes lands in the upper layer and is dropped with it.
 *
 * <p>The upper layer lies on the same file system as the directory it covers: the kernel then shows the lower
 * files' own inode numbers, and one device number for all, which the run maps back to the host's device
 * (run's hidden --same-device), so stat shows what the recorded run saw (docs/RECORDING.md, "Files").
 */
final class RestoredFiles {
    /** What could not be set up, in one line. */
    static final class CannotRestore extends Exception {
        CannotRestore(String message) {
            super(message);
        }
    }

    private final Map<Path, Layer> layers = new LinkedHashMap<>();
    private final List<Path> scratch = new ArrayList<>();
    private int scratchLinks;

    /** One overlay: the directory it covers, its upper and work directories, and the host device it stands for. */
    private record Layer(Path directory, Path upper, Path work, Path links, long device) {}

    private RestoredFiles() {}

    /** Nothing to restore: the recording's run changed no file that existed before it and left none behind. */
    boolean none() {
        return layers.isEmpty();
    }

    /** Prepares the upper layers for the recording's restore entries; the mounts happen in {@link #wrap}. */
    static RestoredFiles prepare(Recording recording, Path work) throws IOException, CannotRestore {
        RestoredFiles r = new RestoredFiles();
        List<Manifest.Restore> entries = recording.manifest().restore();
        if (entries == null) return r;
        List<Manifest.Restore> needed = new ArrayList<>();
        for (Manifest.Restore e : entries) {
            Path p = Path.of(e.path());
            boolean exists = Files.exists(p, LinkOption.NOFOLLOW_LINKS);
            // A directory that is still there needs nothing: what the run changed in it has entries of its own.
            boolean neededNow = switch (e.kind()) {
                case "absent" -> exists;
                case "other" -> false;
                case "directory" -> !Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS);
                default -> true;
            };
            if (neededNow) needed.add(e);
        }
        if (needed.isEmpty()) return r;
        if (!"root".equals(System.getProperty("user.name"))) {
            throw new CannotRestore("the recorded run changed " + needed.get(0).path() + (needed.size() > 1 ? " and "
                    + (needed.size() - 1) + " more" : "") + "; replay puts such files back as they were in a mount"
                    + " namespace of its own, which needs root");
        }
        TreeSet<Path> anchors = new TreeSet<>();
        for (Manifest.Restore e : needed) anchors.add(existingDirectoryAbove(Path.of(e.path())));
        List<Path> tops = new ArrayList<>();
        for (Path a : anchors) if (tops.stream().noneMatch(a::startsWith)) tops.add(a);
        List<Path> mounts = MountPoints.all();
        for (Path top : tops) r.layers.put(top, r.layerFor(top, mounts, work));
        TreeSet<Path> hidden = new TreeSet<>();
        for (Manifest.Restore e : needed) {
            Path path = Path.of(e.path());
            if (hidden.stream().anyMatch(path::startsWith)) continue; // under a path that did not exist either
            Layer layer = r.layerOf(path);
            Path target = layer.upper().resolve(layer.directory().relativize(path));
            makeDirectories(layer, target.getParent());
            switch (e.kind()) {
                case "file" -> {
                    if (sameContent(recording, e, path)) continue; // the lower layer shows it as it was, links and all
                    try (InputStream in = recording.section(e.section())) {
                        Files.copy(in, target);
                    }
                    int links = e.links() == null ? 1 : e.links();
                    for (int i = 1; i < links; i++) Files.createLink(layer.links().resolve(r.scratchLinks++ + ""), target);
                }
                case "directory" -> Files.createDirectory(target);
                case "symlink" -> Files.createSymbolicLink(target, Path.of(e.target()));
                case "absent" -> {
                    whiteout(target);
                    hidden.add(path);
                    continue;
                }
                default -> throw new IllegalStateException(e.kind());
            }
            owner(target, e.mode(), e.uid(), e.gid());
        }
        return r;
    }

    /**
     * Whether the file at path holds what the entry's section holds: then it need not be copied into the upper
     * layer (a copy would have one link where the file may have more, and stat shows link counts).
     */
    private static boolean sameContent(Recording recording, Manifest.Restore e, Path path) throws IOException {
        if (!Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)
                || Files.size(path) != recording.manifest().sections().get(e.section()).bytes()) {
            return false;
        }
        try (InputStream kept = recording.section(e.section()); InputStream now = Files.newInputStream(path)) {
            byte[] a = new byte[1 << 16], b = new byte[1 << 16];
            for (int n; (n = kept.readNBytes(a, 0, a.length)) > 0; ) {
                if (now.readNBytes(b, 0, n) != n || !java.util.Arrays.equals(a, 0, n, b, 0, n)) return false;
            }
            return now.read() < 0;
        }
    }

    /** The command that runs command with every overlay mounted, in a mount namespace of its own, from cwd. */
    List<String> wrap(List<String> command, String cwd) {
        List<String> c = new ArrayList<>(List.of("unshare", "--mount", "--propagation", "private", "--", "/bin/sh",
                "-c", "set -e; cwd=$1; shift; while [ \"$1\" != -- ]; do"
                        + " mount -t overlay detsim-replay -o \"lowerdir=$1,upperdir=$2,workdir=$3\" \"$1\"; shift 3;"
                        + " done; shift; cd -- \"$cwd\"; exec \"$@\"", "detsim-replay", cwd));
        for (Layer l : layers.values()) c.addAll(List.of(l.directory().toString(), l.upper().toString(), l.work().toString()));
        c.add("--");
        c.addAll(command);
        return c;
    }

    /** run's options that map each overlay's device to the host device it covers. */
    List<String> runOptions() {
        List<String> o = new ArrayList<>();
        for (Layer l : layers.values()) o.add("--same-device=" + l.directory() + "=" + l.device());
        return o;
    }

    /** Removes the upper and work directories. */
    void remove() throws IOException {
        for (Path dir : scratch) FileTrees.delete(dir);
    }

    private Layer layerOf(Path path) {
        for (Layer l : layers.values()) if (path.startsWith(l.directory())) return l;
        throw new IllegalStateException("no layer for " + path);
    }

    private Layer layerFor(Path directory, List<Path> mounts, Path work) throws IOException, CannotRestore {
        String s = directory.toString();
        if (s.contains(",") || s.contains(":") || s.contains("\\")) {
            throw new CannotRestore("cannot restore files under " + directory + ": an overlay cannot be mounted on a"
                    + " path with ',', ':' or '\\'");
        }
        for (Path m : mounts) {
            if (m.startsWith(directory) && !m.equals(directory)) {
                throw new CannotRestore("cannot restore the files the recorded run changed under " + directory + ": "
                        + m + " is mounted below it, which an overlay there would hide");
            }
        }
        long device = device(directory);
        Path base = null;
        for (Path candidate : List.of(work, Path.of("/var/tmp"), MountPoints.of(directory, mounts))) {
            if (Files.isDirectory(candidate) && !candidate.startsWith(directory) && device(candidate) == device) {
                base = candidate;
                break;
            }
        }
        if (base == null) {
            throw new CannotRestore("cannot restore the files the recorded run changed under " + directory + ": no"
                    + " writable directory on its file system outside it to keep them in");
        }
        Path layer = Files.createTempDirectory(base, ".detsim-replay-");
        scratch.add(layer);
        Path upper = Files.createDirectory(layer.resolve("upper")), overlayWork = Files.createDirectory(layer.resolve("work"));
        copyOwner(directory, upper);
        // Beside the layers, out of the run's sight: extra links that give a restored file its recorded link count.
        Path links = Files.createDirectory(layer.resolve("links"));
        return new Layer(directory, upper, overlayWork, links, device);
    }

    /** The upper layer's directories down to dir, each with the mode and owner of the directory it merges with. */
    private static void makeDirectories(Layer layer, Path dir) throws IOException {
        if (Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) return;
        makeDirectories(layer, dir.getParent());
        Files.createDirectory(dir);
        Path lower = layer.directory().resolve(layer.upper().relativize(dir));
        if (Files.isDirectory(lower, LinkOption.NOFOLLOW_LINKS)) copyOwner(lower, dir);
    }

    private static void copyOwner(Path from, Path to) throws IOException {
        owner(to, (Integer) Files.getAttribute(from, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 07777,
                (Integer) Files.getAttribute(from, "unix:uid", LinkOption.NOFOLLOW_LINKS),
                (Integer) Files.getAttribute(from, "unix:gid", LinkOption.NOFOLLOW_LINKS));
    }

    private static void owner(Path p, int mode, int uid, int gid) throws IOException {
        Files.setAttribute(p, "unix:uid", uid, LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(p, "unix:gid", gid, LinkOption.NOFOLLOW_LINKS);
        if (!Files.isSymbolicLink(p)) Files.setAttribute(p, "unix:mode", mode);
    }

    /** An overlay whiteout (a 0:0 character device): the path does not exist in the merged view. */
    private static void whiteout(Path p) throws IOException, CannotRestore {
        Process mknod = new ProcessBuilder("mknod", p.toString(), "c", "0", "0").redirectErrorStream(true).start();
        String said = new String(mknod.getInputStream().readAllBytes()).trim();
        try {
            if (mknod.waitFor() != 0) throw new CannotRestore("cannot hide " + p + " from the replay: " + said);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CannotRestore("interrupted");
        }
    }

    private static Path existingDirectoryAbove(Path path) {
        Path p = path.getParent();
        while (p != null && !Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) p = p.getParent();
        return p == null ? Path.of("/") : p;
    }

    private static long device(Path p) throws IOException {
        return ((Number) Files.getAttribute(p, "unix:dev")).longValue();
    }
}
