package dev.detsim.abi;

/**
 * Descriptor operations: fcntl(2)'s commands, struct flock and its lock types, flock(2)'s operations and
 * lseek(2)'s whence. The same on x86_64 and aarch64 (64-bit: no F_GETLK64 variants).
 */
public final class Fcntl {
    public static final int F_DUPFD = 0, F_GETFD = 1, F_SETFD = 2, F_GETFL = 3, F_SETFL = 4, F_GETLK = 5,
            F_SETLK = 6, F_SETLKW = 7, F_SETOWN = 8, F_GETOWN = 9, F_SETSIG = 10, F_GETSIG = 11, F_SETOWN_EX = 15,
            F_GETOWN_EX = 16, F_OFD_GETLK = 36, F_OFD_SETLK = 37, F_OFD_SETLKW = 38, F_GETPIPE_SZ = 1032;
    /** struct f_owner_ex's type: the owner is a thread. */
    public static final int F_OWNER_TID = 0;
    /** struct flock's l_type. */
    public static final short F_RDLCK = 0, F_WRLCK = 1, F_UNLCK = 2;
    /** struct flock {short l_type; short l_whence; off_t l_start; off_t l_len; pid_t l_pid;}: offsets, size. */
    public static final int FLOCK_SIZE = 32, L_TYPE = 0, L_WHENCE = 2, L_START = 8, L_LEN = 16, L_PID = 24;
    /** flock(2)'s operations. */
    public static final int LOCK_SH = 1, LOCK_EX = 2, LOCK_NB = 4, LOCK_UN = 8;
    /** lseek(2)'s whence. */
    public static final int SEEK_SET = 0, SEEK_CUR = 1, SEEK_END = 2, SEEK_DATA = 3, SEEK_HOLE = 4;

    private static final String[] WHENCE_NAMES = {"SEEK_SET", "SEEK_CUR", "SEEK_END", "SEEK_DATA", "SEEK_HOLE"};

    private Fcntl() {}

    /** "SEEK_SET" for 0; null for a number that names no whence. */
    public static String whenceName(long whence) {
        return whence >= 0 && whence < WHENCE_NAMES.length ? WHENCE_NAMES[(int) whence] : null;
    }
}
