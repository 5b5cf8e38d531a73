package dev.detsim.sandbox.os;

import dev.detsim.sandbox.arch.Arch;

/**
 * Where the fields of the kernel's file-metadata structures sit, for the handlers that rewrite them.
 * struct stat differs between x86_64 and the generic layout aarch64 uses; struct statx, struct statfs
 * (64-bit) and struct linux_dirent64 are the same everywhere. NativeLayoutTest checks every offset
 * here against C's offsetof on the machine the tests run on.
 */
public final class FileStructs {
    private FileStructs() {}

    /** struct stat: size and the offsets of the fields detsim reads or replaces. */
    public record StatLayout(int size, int dev, int ino, int nlink, int nlinkBytes, int mode, int atime, int mtime,
            int ctime) {
        public static final StatLayout X86_64 = new StatLayout(144, 0, 8, 16, 8, 24, 72, 88, 104);
        /** asm-generic/stat.h (aarch64, riscv64): st_mode before a 32-bit st_nlink, no padding after st_gid. */
        public static final StatLayout GENERIC = new StatLayout(128, 0, 8, 20, 4, 16, 72, 88, 104);

        public static StatLayout of(Arch arch) {
            return arch.name().equals("x86_64") ? X86_64 : GENERIC;
        }
    }

    /** st_size and st_blocks of struct stat: at the same offsets in both layouts. */
    public static final int STAT_ST_SIZE = 48, STAT_ST_BLOCKS = 64;

    /** stx_size and stx_blocks of struct statx. */
    public static final int STATX_STX_SIZE = 40, STATX_BLOCKS = 48;

    /** struct statx: 256 bytes; a struct statx_timestamp is {s64 tv_sec; u32 tv_nsec; s32 reserved}. */
    public static final int STATX_SIZE = 256, STATX_MASK = 0, STATX_NLINK = 16, STATX_MODE = 28, STATX_INO = 32, STATX_ATIME = 64,
            STATX_BTIME = 80, STATX_CTIME = 96, STATX_MTIME = 112, STATX_DEV_MAJOR = 136, STATX_DEV_MINOR = 140,
            STATX_MNT_ID = 144;
    /** The stx_mask bit saying stx_btime was filled in. */
    public static final int STATX_BTIME_BIT = 0x800;

    /** struct statfs on 64-bit: every field a long except f_fsid (two ints); 120 bytes with f_spare. */
    public static final int STATFS_SIZE = 120, STATFS_TYPE = 0, STATFS_BSIZE = 8, STATFS_BLOCKS = 16,
            STATFS_BFREE = 24, STATFS_BAVAIL = 32, STATFS_FILES = 40, STATFS_FFREE = 48, STATFS_FSID = 56,
            STATFS_NAMELEN = 64, STATFS_FRSIZE = 72, STATFS_FLAGS = 80;

    /** struct linux_dirent64: d_ino, d_off, d_reclen, d_type, then the name. */
    public static final int DIRENT64_INO = 0, DIRENT64_OFF = 8, DIRENT64_RECLEN = 16, DIRENT64_TYPE = 18,
            DIRENT64_NAME = 19;
}
