package dev.detsim.cli;

import dev.detsim.recorder.Manifest;
import dev.detsim.recorder.Recording;
import dev.detsim.sandbox.world.InputFiles;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What record keeps of the files a run used, from what the run's {@link InputFiles} wrote: the files it only read,
 * with their SHA-256 (replay refuses when one changed), and the files it changed or created, as they were before
 * it (replay brings them back: {@link RestoredFiles}). The copies become the recording's "before-N" sections.
 */
final class RecordedFiles {
    /** The regular files the run only read, as the run first met them (hashed, or packed, once the run is over). */
    private final List<String> read = new ArrayList<>();
    final List<Manifest.Restore> restore = new ArrayList<>();
    final Map<String, Manifest.Section> sections = new LinkedHashMap<>();

    /** Reads dir (the run's --input-files), writes the copies into the recording at out. */
    static RecordedFiles keep(Path dir, Path out) throws IOException {
        RecordedFiles kept = new RecordedFiles();
        Path log = dir.resolve(InputFiles.LOG);
        if (!Files.exists(log)) return kept;
        Set<String> readPaths = new LinkedHashSet<>(), restored = new LinkedHashSet<>();
        List<String[]> before = new ArrayList<>();
        for (String line : Files.readAllLines(log)) {
            String[] f = line.split("\t", -1);
            switch (f[0]) {
                case "read" -> readPaths.add(InputFiles.unescape(f[1]));
                case "before" -> before.add(f);
                case "absent" -> {
                    String path = InputFiles.unescape(f[1]);
                    if (restored.add(path)) kept.restore.add(new Manifest.Restore(path, "absent", null, null, null, null, null, null));
                }
                default -> throw new IOException(log + ": unknown line " + f[0]);
            }
        }
        for (String[] f : before) {
            String path = InputFiles.unescape(f[1]), kind = f[2], target = null, section = null;
            if (!restored.add(path)) continue;
            if (kind.equals("file")) {
                section = "before-" + (kept.sections.size() + 1);
                try (InputStream in = Files.newInputStream(dir.resolve(InputFiles.BEFORE).resolve(f[6]))) {
                    kept.sections.put(section, Recording.writeSection(out, section, in));
                }
            } else if (kind.equals("symlink")) {
                target = InputFiles.unescape(f[6]);
            }
            Integer links = kind.equals("file") && f.length > 7 ? Integer.valueOf(f[7]) : null;
            kept.restore.add(new Manifest.Restore(path, kind, Integer.parseInt(f[3], 8), Integer.parseInt(f[4]),
                    Integer.parseInt(f[5]), target, section, links != null && links > 1 ? links : null));
        }
        for (String path : readPaths) if (!restored.contains(path)) kept.read.add(path);
        return kept;
    }

    /**
     * The files the run depends on, with their SHA-256: first the programs it executed, then what it read, once
     * each; one the host cannot see (under the run's private /tmp) is left out.
     */
    List<Manifest.FileHash> hashes(Set<String> programs) throws IOException {
        List<Manifest.FileHash> hashes = new ArrayList<>();
        for (String p : dependedOn(programs)) {
            hashes.add(new Manifest.FileHash(p, Files.size(Path.of(p)), Recording.sha256Of(Path.of(p))));
        }
        return hashes;
    }

    /**
     * --portable: every program the run executed and every file it read is kept with its content, as a restore
     * entry, instead of as a hash, so that replay puts it in place (with overlays) on a machine that lacks it or
     * has another version. A symlink is kept as one, with the file it leads to.
     */
    void pack(Set<String> programs, Path out) throws IOException {
        Set<String> kept = new LinkedHashSet<>();
        for (Manifest.Restore r : restore) kept.add(r.path());
        for (String p : dependedOn(programs)) packFile(Path.of(p), kept, out);
    }

    /** The programs, then the files read, once each: those that are regular files now. */
    private Set<String> dependedOn(Set<String> programs) {
        Set<String> all = new LinkedHashSet<>(programs);
        all.addAll(read);
        all.removeIf(p -> !Files.isRegularFile(Path.of(p)));
        return all;
    }

    private void packFile(Path file, Set<String> kept, Path out) throws IOException {
        if (!kept.add(file.toString())) return;
        int mode = (Integer) Files.getAttribute(file, "unix:mode", java.nio.file.LinkOption.NOFOLLOW_LINKS) & 07777;
        int uid = (Integer) Files.getAttribute(file, "unix:uid", java.nio.file.LinkOption.NOFOLLOW_LINKS);
        int gid = (Integer) Files.getAttribute(file, "unix:gid", java.nio.file.LinkOption.NOFOLLOW_LINKS);
        if (Files.isSymbolicLink(file)) {
            restore.add(new Manifest.Restore(file.toString(), "symlink", mode, uid, gid,
                    Files.readSymbolicLink(file).toString(), null, null));
            packFile(file.toRealPath(), kept, out);
            return;
        }
        String section = "before-" + (sections.size() + 1);
        try (InputStream in = Files.newInputStream(file)) {
            sections.put(section, Recording.writeSection(out, section, in));
        }
        int links = (Integer) Files.getAttribute(file, "unix:nlink", java.nio.file.LinkOption.NOFOLLOW_LINKS);
        restore.add(new Manifest.Restore(file.toString(), "file", mode, uid, gid, null, section, links > 1 ? links : null));
    }
}
