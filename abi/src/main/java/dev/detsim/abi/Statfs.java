package dev.detsim.abi;

/** struct statfs on a 64-bit Linux (the same on x86_64 and aarch64): every field 8 bytes, f_fsid two ints; 120 bytes. */
public final class Statfs {
    public static final int SIZE = 120;
    public static final int F_TYPE = 0, F_BSIZE = 8, F_BLOCKS = 16, F_BFREE = 24, F_BAVAIL = 32, F_FILES = 40,
            F_FFREE = 48, F_FSID = 56, F_NAMELEN = 64, F_FRSIZE = 72, F_FLAGS = 80;
    /** f_flags: mounted read-only; f_flags is valid (ST_VALID, the kernel's own). */
    public static final long ST_RDONLY = 1, ST_VALID = 0x20;

    private Statfs() {}
}
