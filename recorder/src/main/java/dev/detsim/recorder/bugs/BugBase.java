package dev.detsim.recorder.bugs;

import dev.detsim.recorder.FileTrees;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A bug base: a directory with one subdirectory per entry, named by the entry's id, holding entry.json
 * ({@link BugEntry}), the recording of its smallest recorded seed (recording/) and the event logs it keeps
 * (logs/). Files a person can read; adding an entry that is there already merges the two, so that searches,
 * shards and machines can all add to one base, in any order, any number of times.
 */
public final class BugBase {
    public static final String ENTRY = "entry.json";
    public static final String RECORDING = "recording";
    private static final Pattern ID = Pattern.compile("[0-9a-f]{12}");
    static final ObjectMapper JSON = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /**
     * The file every writer locks (FileChannel.lock: an fcntl lock the kernel drops when the process dies) around
     * each read-merge-write of an entry, so that searches, shards and merges into one directory at once lose nothing.
     */
    public static final String LOCK = ".lock";
    private static final Map<Path, java.util.concurrent.locks.Lock> JVM_LOCKS = new java.util.concurrent.ConcurrentHashMap<>();

    private final Path dir;

    public BugBase(Path dir) {
        this.dir = dir;
    }

    public Path dir() {
        return dir;
    }

    /** The directory of the entry with this id. */
    public Path entryDir(String id) {
        return dir.resolve(id);
    }

    /** Every entry, by id; none when the directory does not exist yet. */
    public List<BugEntry> entries() throws BugBaseException {
        if (!Files.exists(dir)) return List.of();
        if (!Files.isDirectory(dir)) throw new BugBaseException(dir + " is not a bug base: not a directory");
        List<BugEntry> entries = new ArrayList<>();
        try (var children = Files.list(dir)) {
            for (Path child : children.sorted().toList()) {
                if (ID.matcher(child.getFileName().toString()).matches() && Files.isRegularFile(child.resolve(ENTRY))) {
                    entries.add(read(child.resolve(ENTRY)));
                }
            }
        } catch (IOException e) {
            throw new BugBaseException("cannot read the bug base " + dir + ": " + e.getMessage());
        }
        return entries;
    }

    /** The entry whose id is id or starts with it (when only one does). */
    public Optional<BugEntry> find(String id) throws BugBaseException {
        List<BugEntry> matches = entries().stream().filter(e -> e.id().startsWith(id)).toList();
        if (matches.size() > 1) throw new BugBaseException(id + " names " + matches.size() + " entries; give more of the id");
        return matches.stream().findFirst();
    }

    private static BugEntry read(Path file) throws BugBaseException {
        BugEntry e;
        try {
            e = JSON.readValue(file.toFile(), BugEntry.class);
        } catch (IOException ex) {
            throw new BugBaseException(file + " is corrupt: " + firstLine(ex));
        }
        if (e == null || e.id() == null || e.kind() == null || e.signature() == null || e.seeds() == null
                || !file.getParent().getFileName().toString().equals(e.id())) {
            throw new BugBaseException(file + " is corrupt: a required field is missing or its id is not its directory's");
        }
        return e;
    }

    /**
     * Adds entry, merged with the one of its id already there. recording (a recording directory, or null) is
     * copied in when the merged entry keeps entry's recording; logs maps each of entry's log names to the file
     * to copy (a name already there is kept). Returns the merged entry.
     */
    public BugEntry add(BugEntry entry, Path recording, Map<String, Path> logs) throws BugBaseException {
        Path entryDir = entryDir(entry.id());
        java.util.concurrent.locks.Lock inThisJvm = JVM_LOCKS.computeIfAbsent(dir.toAbsolutePath().normalize(),
                k -> new java.util.concurrent.locks.ReentrantLock());
        inThisJvm.lock(); // a JVM may hold one lock on a file: its own threads take turns first
        try {
            Files.createDirectories(dir);
            try (FileChannel lockFile = FileChannel.open(dir.resolve(LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                 FileLock held = lockFile.lock()) {
                return addLocked(entry, recording, logs, entryDir);
            }
        } catch (IOException e) {
            throw new BugBaseException("cannot write the bug base entry " + entryDir + ": " + e.getMessage());
        } finally {
            inThisJvm.unlock();
        }
    }

    /** {@link #add} while this process holds the bug base's lock. */
    private BugEntry addLocked(BugEntry entry, Path recording, Map<String, Path> logs, Path entryDir)
            throws BugBaseException, IOException {
        Files.createDirectories(entryDir);
        Path file = entryDir.resolve(ENTRY);
        BugEntry existing = Files.exists(file) ? read(file) : null;
        BugEntry merged = existing == null ? entry : existing.merge(entry);
        boolean takesRecording = recording != null && entry.recordingSeed() != null
                && entry.recordingSeed().equals(merged.recordingSeed())
                && (existing == null || !entry.recordingSeed().equals(existing.recordingSeed())
                    || !Files.isDirectory(entryDir.resolve(RECORDING)));
        if (takesRecording && !recording.toAbsolutePath().normalize().equals(
                entryDir.resolve(RECORDING).toAbsolutePath().normalize())) {
            // Copied beside it, then renamed: a writer killed midway leaves a .tmp directory, not half a recording.
            Path copy = entryDir.resolve("." + RECORDING + ".tmp");
            FileTrees.delete(copy);
            copyTree(recording, copy);
            FileTrees.delete(entryDir.resolve(RECORDING));
            Files.move(copy, entryDir.resolve(RECORDING), StandardCopyOption.ATOMIC_MOVE);
        }
        for (var log : logs.entrySet()) {
            Path target = entryDir.resolve(log.getKey()).normalize();
            if (!target.startsWith(entryDir)) throw new BugBaseException("log name " + log.getKey() + " leaves its entry");
            if (Files.exists(target) || !Files.exists(log.getValue())) continue;
            Files.createDirectories(target.getParent());
            Path copy = target.resolveSibling("." + target.getFileName() + ".tmp");
            Files.copy(log.getValue(), copy, StandardCopyOption.REPLACE_EXISTING);
            Files.move(copy, target, StandardCopyOption.ATOMIC_MOVE);
        }
        Path tmp = entryDir.resolve(ENTRY + ".tmp");
        JSON.writeValue(tmp.toFile(), merged);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return merged;
    }

    /** Adds every entry of the bug bases sources to this one (with their recordings and logs); returns how many. */
    public int mergeFrom(List<Path> sources) throws BugBaseException {
        int added = 0;
        for (Path source : sources) {
            if (source.toAbsolutePath().normalize().equals(dir.toAbsolutePath().normalize())) continue; // itself
            if (!Files.isDirectory(source)) throw new BugBaseException(source + " is not a bug base: no such directory");
            BugBase from = new BugBase(source);
            for (BugEntry e : from.entries()) {
                Path src = from.entryDir(e.id());
                Map<String, Path> logs = new java.util.TreeMap<>();
                for (String log : e.logs() == null ? List.<String>of() : e.logs()) logs.put(log, src.resolve(log));
                Path recording = e.recording() == null ? null : src.resolve(e.recording());
                add(e, recording != null && Files.isDirectory(recording) ? recording : null, logs);
                added++;
            }
        }
        return added;
    }

    /** The entries as a JSON array. */
    public static String toJson(List<BugEntry> entries) {
        try {
            return JSON.writeValueAsString(entries);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** One entry as JSON. */
    public static String toJson(BugEntry entry) {
        try {
            return JSON.writeValueAsString(entry);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (var paths = Files.walk(from)) {
            for (Path p : paths.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(target);
                else {
                    try {
                        Files.copy(p, target);
                    } catch (FileAlreadyExistsException e) {
                        // a concurrent copy of the same file
                    }
                }
            }
        }
    }

    private static String firstLine(Exception e) {
        String m = String.valueOf(e.getMessage());
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}
