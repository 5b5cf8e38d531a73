package dev.detsim.sandbox.world;

import static dev.detsim.abi.OpenFlags.O_NONBLOCK;

import dev.detsim.sandbox.os.Posix;
import dev.detsim.sandbox.os.ProcFiles;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * /dev/urandom and /dev/random under detsim: every open gets a FIFO of its own, which a daemon thread of
 * detsim fills with a seeded stream (open n of the run reads the stream of Entropy(seed, n)) until the
 * last reader closes it. Like the real devices the stream never ends; unlike them the file is a FIFO
 * (fstat shows S_IFIFO). The order of opens decides which stream each open gets, so it is deterministic
 * exactly when the program's order of opens is.
 */
public final class RandomDevices implements PathRedirect, AutoCloseable {
    private static final int CHUNK = 16 * 1024;
    private static final String PREFIX = "detsim-random-";
    private final long seed;
    private final Path directory;
    private final AtomicInteger opens = new AtomicInteger();

    public RandomDevices(long seed) {
        this.seed = seed;
        removeStale(StandIns.directory(), ProcessHandle.current().pid());
        this.directory = uniqueDirectory();
        directory.toFile().setExecutable(true, false);
    }

    /**
     * A new directory of this run's own: named by pid and a counter, not by Files.createTempDirectory, whose
     * SecureRandom costs every start-up milliseconds (its provider is set up by reflection, outside the AOT cache).
     */
    private static Path uniqueDirectory() {
        long pid = ProcessHandle.current().pid();
        for (int n = 0; ; n++) {
            Path candidate = StandIns.directory().resolve(PREFIX + pid + "-" + n);
            try {
                return Files.createDirectory(candidate);
            } catch (java.nio.file.FileAlreadyExistsException e) {
                // a directory an earlier process of this pid left behind: try the next name
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create a directory for the random devices: " + e.getMessage(), e);
            }
        }
    }

    /**
     * Removes the directories of runs whose detsim is gone (killed with SIGKILL, it could not clean up): those
     * named by a pid that is not alive, or alive but not a detsim (the pid was reused): its cmdline does not name
     * detsim and libdetsim is not mapped (a test JVM running the sandbox in-process). One readdir of dir; the /proc
     * files are read only for names of other live pids, normally those of detsims running now. Our own pid's are
     * left alone: another sandbox of this JVM may be using one. The listing is File.list (one readdir): java.nio's
     * directory stream, and a getdents loop over a MemorySegment, each cost a cold start-up milliseconds.
     */
    static void removeStale(Path dir, long ownPid) {
        String[] names = dir.toFile().list();
        for (String name : names == null ? new String[0] : names) {
            long pid = pidOf(name);
            if (pid <= 0 || pid == ownPid || isDetsim(pid)) continue;
            Path p = dir.resolve(name);
            try (var files = Files.newDirectoryStream(p)) {
                for (Path f : files) Files.deleteIfExists(f);
                Files.deleteIfExists(p);
            } catch (IOException | java.nio.file.DirectoryIteratorException e) {
                // Best effort: another detsim may be removing the same directory now.
            }
        }
    }

    /** The pid in "detsim-random-PID-N", or -1 for any other name. */
    static long pidOf(String name) {
        int dash = name.lastIndexOf('-');
        if (!name.startsWith(PREFIX) || dash <= PREFIX.length()) return -1;
        try {
            return Long.parseLong(name.substring(PREFIX.length(), dash));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** Whether pid is alive and a detsim (or a JVM that loaded libdetsim); an unreadable maps counts as one. */
    private static boolean isDetsim(long pid) {
        byte[] cmdline = ProcFiles.read("/proc/" + pid + "/cmdline");
        if (cmdline == null) return false; // not alive
        if (new String(cmdline, java.nio.charset.StandardCharsets.ISO_8859_1).contains("detsim")) return true;
        try {
            return Files.readString(Path.of("/proc/" + pid + "/maps"), java.nio.charset.StandardCharsets.ISO_8859_1)
                    .contains("libdetsim");
        } catch (IOException e) {
            return Files.exists(Path.of("/proc/" + pid)); // alive but unreadable: keep its directory
        }
    }

    /** A FIFO for an open of /dev/urandom or /dev/random; O_NONBLOCK is dropped, as the devices never block. */
    @Override
    public Target redirect(String path) {
        if (!path.equals("/dev/urandom") && !path.equals("/dev/random")) return null;
        String fifo = open(Posix.forCurrentThread());
        return fifo == null ? null : new Target(fifo, O_NONBLOCK);
    }

    /** Makes the FIFO for the next open and starts its writer; returns its path, or null if that failed. */
    String open(Posix posix) {
        int n = opens.incrementAndGet();
        Path fifo = directory.resolve("random-" + n);
        if (posix.mkfifo(fifo.toString(), 0444) < 0) return null;
        Entropy stream = Entropy.stream(seed, n);
        Thread.ofPlatform().daemon().name("detsim-random-" + n).start(() -> feed(fifo, stream));
        return fifo.toString();
    }

    private static void feed(Path fifo, Entropy stream) {
        byte[] chunk = new byte[CHUNK];
        // Opening for writing waits until the program has opened the FIFO for reading.
        try (OutputStream out = Files.newOutputStream(fifo)) {
            Files.deleteIfExists(fifo); // the open ends keep it alive; nothing else needs the name
            for (;;) {
                stream.nextBytes(chunk);
                out.write(chunk);
            }
        } catch (IOException e) {
            // EPIPE: every reader closed it. That is how the stream ends.
        }
    }

    /** Whether an open file, as /proc/PID/fd/N names it, is one of these FIFOs (detsim keeps it fed). */
    public boolean feeds(String openFile) {
        return openFile.startsWith(directory.resolve("random-").toString());
    }

    /** Removes FIFOs nobody opened. */
    @Override
    public void close() {
        try (var files = Files.list(directory)) {
            for (Path p : files.toList()) Files.deleteIfExists(p);
            Files.deleteIfExists(directory);
        } catch (IOException e) {
            // Best effort: a writer may be deleting its own FIFO right now.
        }
    }
}
