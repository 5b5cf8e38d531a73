package dev.detsim.sandbox.world;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where detsim keeps the files programs open in place of others ({@link MachineFiles}, {@link RandomDevices}):
 * /dev/shm. The program's open is rewritten to name such a file and the kernel resolves that name in the
 * program's mount namespace, so the place must be one the run's private /tmp (and /var/tmp) do not hide; /dev/shm
 * is a tmpfs on every Linux with glibc's POSIX shared memory, and is left the host's. Where it is missing or not
 * writable, /tmp (the JVM's java.io.tmpdir), and the private /tmp is then not offered ({@link #underTmp}).
 */
public final class StandIns {
    private static final Path DIRECTORY = choose();

    private StandIns() {}

    /** The directory for detsim's stand-in files. */
    public static Path directory() {
        return DIRECTORY;
    }

    /** Whether the stand-ins live where a private /tmp or /var/tmp would hide them from the program. */
    public static boolean underTmp() {
        Path real = DIRECTORY.toAbsolutePath().normalize();
        return real.startsWith("/tmp") || real.startsWith("/var/tmp");
    }

    private static Path choose() {
        Path shm = Path.of("/dev/shm");
        if (Files.isDirectory(shm) && Files.isWritable(shm)) return shm;
        return Path.of(System.getProperty("java.io.tmpdir", "/tmp"));
    }
}
