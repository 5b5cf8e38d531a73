package dev.detsim.sandbox.os;

import static dev.detsim.abi.AtFlags.AT_FDCWD;
import static dev.detsim.abi.Dirent.DIRENT64_NAME;
import static dev.detsim.abi.Dirent.DIRENT64_RECLEN;
import static dev.detsim.abi.OpenFlags.O_CLOEXEC;
import static dev.detsim.abi.OpenFlags.O_RDONLY;

import dev.detsim.abi.OpenFlags;
import dev.detsim.sandbox.arch.Arch;
import dev.detsim.sandbox.syscall.Syscall;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Small /proc files and directories read with plain openat/read/getdents64/close into a per-thread buffer.
 * The tracer reads a few of them at many stops (a wait4 lists the caller's children and looks at their
 * states); through java.nio.file each read cost ten times what the kernel spends on it while the JIT is still
 * cold, which is most of a short run.
 */
public final class ProcFiles {
    private static final int BUFFER = 8192, PATH = 256;
    private static final OpenFlags OPEN_FLAGS = Arch.current().openFlags();
    private static final ThreadLocal<ProcFiles> PER_THREAD = ThreadLocal.withInitial(ProcFiles::new);

    private final Posix posix = Posix.forCurrentThread();
    private final MemorySegment path;
    private final MemorySegment buffer;

    private ProcFiles() {
        Arena arena = Arena.ofAuto();
        path = arena.allocate(PATH);
        buffer = arena.allocate(BUFFER, 8);
    }

    /** The whole content of the file at path, or null if it cannot be opened or read. */
    public static byte[] read(String path) {
        return PER_THREAD.get().readFile(path);
    }

    /** The names of the entries of directory path that are numbers (the tasks of /proc/PID/task), or null. */
    public static int[] numberedEntries(String path) {
        return PER_THREAD.get().listNumbers(path);
    }

    private int open(String p, int flags) {
        byte[] bytes = p.getBytes(StandardCharsets.UTF_8);
        if (bytes.length >= PATH) return -1;
        MemorySegment.copy(bytes, 0, path, ValueLayout.JAVA_BYTE, 0, bytes.length);
        path.set(ValueLayout.JAVA_BYTE, bytes.length, (byte) 0);
        return (int) posix.call(Syscall.OPENAT, AT_FDCWD, path.address(), flags | O_RDONLY | O_CLOEXEC, 0);
    }

    private byte[] readFile(String p) {
        int fd = open(p, 0);
        if (fd < 0) return null;
        try {
            byte[] content = new byte[0];
            for (;;) { // to a read of 0: a /proc file may come in pieces
                long n = posix.call(Syscall.READ, fd, buffer.address(), BUFFER);
                if (n < 0) return null;
                if (n == 0) return content;
                int had = content.length;
                content = Arrays.copyOf(content, had + (int) n);
                MemorySegment.copy(buffer, ValueLayout.JAVA_BYTE, 0, content, had, (int) n);
            }
        } finally {
            posix.close(fd);
        }
    }

    private int[] listNumbers(String p) {
        int fd = open(p, OPEN_FLAGS.O_DIRECTORY);
        if (fd < 0) return null;
        try {
            int[] out = new int[8];
            int count = 0;
            for (;;) {
                long n = posix.call(Syscall.GETDENTS64, fd, buffer.address(), BUFFER);
                if (n < 0) return null;
                if (n == 0) return Arrays.copyOf(out, count);
                for (long at = 0; at < n; ) {
                    int reclen = Short.toUnsignedInt(buffer.get(ValueLayout.JAVA_SHORT_UNALIGNED, at + DIRENT64_RECLEN));
                    long value = 0;
                    boolean number = true;
                    long i = at + DIRENT64_NAME;
                    for (byte b; (b = buffer.get(ValueLayout.JAVA_BYTE, i)) != 0; i++) {
                        if (b < '0' || b > '9' || value > Integer.MAX_VALUE / 10) {
                            number = false;
                            break;
                        }
                        value = value * 10 + (b - '0');
                    }
                    if (number && i > at + DIRENT64_NAME) {
                        if (count == out.length) out = Arrays.copyOf(out, 2 * count);
                        out[count++] = (int) value;
                    }
                    at += reclen;
                }
            }
        } finally {
            posix.close(fd);
        }
    }
}
