package dev.detsim.abi;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * struct stat, as stat(2), fstat(2) and newfstatat(2) fill it: a view over the bytes (a host call's result that
 * detsim edits before the guest sees it), so fields it does not name stay as the kernel wrote them. The layout
 * differs by architecture: x86_64 has its own; aarch64 uses asm-generic/stat.h's.
 */
public final class Stat {
    /** st_mode's file type bits and the types. */
    public static final int S_IFMT = 0170000, S_IFSOCK = 0140000, S_IFLNK = 0120000, S_IFREG = 0100000,
            S_IFBLK = 0060000, S_IFDIR = 0040000, S_IFCHR = 0020000, S_IFIFO = 0010000;

    /** Where the fields sit on one architecture: offsets, and the struct's size; st_nlink is 8 or 4 bytes. */
    public record Layout(int size, int dev, int ino, int nlink, int nlinkBytes, int mode, int uid, int gid, int rdev,
            int fileSize, int blksize, int blocks, int atime, int mtime, int ctime) {
        /** x86_64's asm/stat.h: st_nlink (8 bytes) before st_mode, padding after st_gid. */
        public static final Layout X86_64 = new Layout(144, 0, 8, 16, 8, 24, 28, 32, 40, 48, 56, 64, 72, 88, 104);
        /** asm-generic/stat.h (aarch64, riscv64): st_mode before a 4-byte st_nlink, no padding after st_gid. */
        public static final Layout GENERIC = new Layout(128, 0, 8, 20, 4, 16, 24, 28, 32, 48, 56, 64, 72, 88, 104);

        /** The layout of architecture arch ("x86_64", "aarch64"; Java's "amd64" and "arm64" too). */
        public static Layout of(String arch) {
            return switch (arch) {
                case "x86_64", "amd64" -> X86_64;
                case "aarch64", "arm64" -> GENERIC;
                default -> throw new IllegalArgumentException("no struct stat layout known for " + arch);
            };
        }
    }

    private final Layout layout;
    private final ByteBuffer bytes;

    /** A view of the struct at the start of bytes (at least layout.size() of them); writes go to bytes. */
    public Stat(Layout layout, ByteBuffer bytes) {
        if (bytes.capacity() < layout.size()) {
            throw new IllegalArgumentException("a struct stat needs " + layout.size() + " bytes");
        }
        this.layout = layout;
        this.bytes = bytes.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    }

    public Layout layout() {
        return layout;
    }

    public long dev() {
        return bytes.getLong(layout.dev());
    }

    public long ino() {
        return bytes.getLong(layout.ino());
    }

    public int mode() {
        return bytes.getInt(layout.mode());
    }

    public long nlink() {
        if (layout.nlinkBytes() == 8) return bytes.getLong(layout.nlink());
        return Integer.toUnsignedLong(bytes.getInt(layout.nlink()));
    }

    public long size() {
        return bytes.getLong(layout.fileSize());
    }

    public Timespec atime() {
        return time(layout.atime());
    }

    public Timespec mtime() {
        return time(layout.mtime());
    }

    public Timespec ctime() {
        return time(layout.ctime());
    }

    public void setDev(long dev) {
        bytes.putLong(layout.dev(), dev);
    }

    public void setIno(long ino) {
        bytes.putLong(layout.ino(), ino);
    }

    public void setNlink(long nlink) {
        if (layout.nlinkBytes() == 8) bytes.putLong(layout.nlink(), nlink);
        else bytes.putInt(layout.nlink(), (int) nlink);
    }

    /** Sets st_size and st_blocks (512-byte units). */
    public void setSize(long size, long blocks) {
        bytes.putLong(layout.fileSize(), size);
        bytes.putLong(layout.blocks(), blocks);
    }

    /** Sets st_atim, st_mtim and st_ctim. */
    public void setTimes(Timespec access, Timespec modify, Timespec change) {
        putTime(layout.atime(), access);
        putTime(layout.mtime(), modify);
        putTime(layout.ctime(), change);
    }

    private Timespec time(int at) {
        return new Timespec(bytes.getLong(at), bytes.getLong(at + Timespec.TV_NSEC));
    }

    private void putTime(int at, Timespec t) {
        bytes.putLong(at, t.seconds()).putLong(at + Timespec.TV_NSEC, t.nanos());
    }

    /** Whether st_mode mode is a directory's. */
    public static boolean isDirectory(int mode) {
        return (mode & S_IFMT) == S_IFDIR;
    }

    /** Whether st_mode mode is a regular file's. */
    public static boolean isRegular(int mode) {
        return (mode & S_IFMT) == S_IFREG;
    }
}
