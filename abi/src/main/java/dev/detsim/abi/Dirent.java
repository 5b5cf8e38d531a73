package dev.detsim.abi;

/**
 * The kernel's directory records: struct linux_dirent64 (getdents64: d_ino, d_off, d_reclen, d_type, then the
 * name) and struct linux_dirent (getdents: the same first three, the name, and d_type in the record's last byte).
 */
public final class Dirent {
    public static final int DIRENT64_INO = 0, DIRENT64_OFF = 8, DIRENT64_RECLEN = 16, DIRENT64_TYPE = 18,
            DIRENT64_NAME = 19;
    public static final int DIRENT_INO = 0, DIRENT_OFF = 8, DIRENT_RECLEN = 16, DIRENT_NAME = 18;
    /** d_type: the kind of file an entry names. */
    public static final int DT_UNKNOWN = 0, DT_FIFO = 1, DT_CHR = 2, DT_DIR = 4, DT_BLK = 6, DT_REG = 8, DT_LNK = 10,
            DT_SOCK = 12;

    private Dirent() {}
}
