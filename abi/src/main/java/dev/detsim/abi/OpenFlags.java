package dev.detsim.abi;

import java.util.List;

/**
 * open(2)'s flags. Most have one value everywhere (asm-generic/fcntl.h); O_DIRECTORY, O_NOFOLLOW, O_DIRECT and
 * O_LARGEFILE differ by architecture (arm64's asm/fcntl.h moves them), and so does O_TMPFILE, which includes
 * O_DIRECTORY: those are fields of the instance for the guest's architecture, {@link #of}.
 */
public final class OpenFlags {
    public static final int O_RDONLY = 0, O_WRONLY = 01, O_RDWR = 02, O_ACCMODE = 03, O_CREAT = 0100,
            O_EXCL = 0200, O_NOCTTY = 0400, O_TRUNC = 01000, O_APPEND = 02000, O_NONBLOCK = 04000,
            O_DSYNC = 010000, O_ASYNC = 020000, O_NOATIME = 01000000, O_CLOEXEC = 02000000, O_PATH = 010000000;
    /** The bit O_SYNC adds to O_DSYNC (the kernel's __O_SYNC), and O_SYNC itself. */
    public static final int SYNC_BIT = 04000000, O_SYNC = SYNC_BIT | O_DSYNC;
    /** The bit O_TMPFILE adds to O_DIRECTORY (the kernel's __O_TMPFILE). */
    public static final int TMPFILE_BIT = 020000000;

    /** x86_64: asm-generic/fcntl.h's values. */
    public static final OpenFlags X86_64 = new OpenFlags("x86_64", 0200000, 0400000, 040000, 0100000);
    /**
     * aarch64: arch/arm64/include/uapi/asm/fcntl.h sets O_DIRECTORY 040000, O_NOFOLLOW 0100000, O_DIRECT 0200000
     * and O_LARGEFILE 0400000 before including asm-generic/fcntl.h. No header on an x86_64 machine holds them, so
     * the tests can only hold these to that file's values (OpenFlagsTest); on an aarch64 machine they are also
     * checked against its C headers.
     */
    public static final OpenFlags AARCH64 = new OpenFlags("aarch64", 040000, 0100000, 0200000, 0400000);

    /** The architecture ("x86_64", "aarch64"). */
    public final String arch;
    public final int O_DIRECTORY, O_NOFOLLOW, O_DIRECT, O_LARGEFILE, O_TMPFILE;
    private final List<Flag> names;

    private OpenFlags(String arch, int directory, int nofollow, int direct, int largefile) {
        this.arch = arch;
        O_DIRECTORY = directory;
        O_NOFOLLOW = nofollow;
        O_DIRECT = direct;
        O_LARGEFILE = largefile;
        O_TMPFILE = TMPFILE_BIT | directory;
        Flag[] n = {new Flag(O_WRONLY, "O_WRONLY"), new Flag(O_RDWR, "O_RDWR"),
                new Flag(O_CREAT, "O_CREAT"), new Flag(O_EXCL, "O_EXCL"), new Flag(O_NOCTTY, "O_NOCTTY"),
                new Flag(O_TRUNC, "O_TRUNC"), new Flag(O_APPEND, "O_APPEND"), new Flag(O_NONBLOCK, "O_NONBLOCK"),
                new Flag(O_DSYNC, "O_DSYNC"), new Flag(O_ASYNC, "O_ASYNC"), new Flag(direct, "O_DIRECT"),
                new Flag(directory, "O_DIRECTORY"), new Flag(nofollow, "O_NOFOLLOW"), new Flag(O_NOATIME, "O_NOATIME"),
                new Flag(O_CLOEXEC, "O_CLOEXEC"), new Flag(SYNC_BIT, "O_SYNC"), new Flag(O_PATH, "O_PATH"),
                new Flag(TMPFILE_BIT, "O_TMPFILE")};
        for (int i = 1; i < n.length; i++) { // lowest bit first: the architectures order O_DIRECT... differently
            for (int j = i; j > 0 && n[j - 1].bits() > n[j].bits(); j--) {
                Flag t = n[j];
                n[j] = n[j - 1];
                n[j - 1] = t;
            }
        }
        names = List.of(n);
    }

    /** The flags of architecture arch (the kernel's name, "x86_64" or "aarch64"; Java's "amd64" and "arm64" too). */
    public static OpenFlags of(String arch) {
        return switch (arch) {
            case "x86_64", "amd64" -> X86_64;
            case "aarch64", "arm64" -> AARCH64;
            default -> throw new IllegalArgumentException("no open flags known for " + arch);
        };
    }

    /**
     * The flags by name, lowest bit first, for printing a flags word as strace does: O_SYNC and O_TMPFILE by
     * the bit each adds (it prints O_DSYNC, O_DIRECTORY beside them). O_LARGEFILE is left out, as a 64-bit
     * program never sets it (the kernel adds it to every open on its own).
     */
    public List<Flag> names() {
        return names;
    }

    @Override
    public String toString() {
        return "OpenFlags[" + arch + "]";
    }
}
