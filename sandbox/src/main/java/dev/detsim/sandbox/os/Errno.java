package dev.detsim.sandbox.os;

import java.util.Map;

/**
 * Names and messages of Linux errno values, from errno.tsv (shared by x86_64 and aarch64).
 * An errno is carried as a plain positive int; calls that fail return it negated.
 */
public final class Errno {
    public static final int EPERM = 1, ENOENT = 2, ESRCH = 3, EINTR = 4, EIO = 5, EBADF = 9, ECHILD = 10,
            EAGAIN = 11, ENOMEM = 12, EACCES = 13, EFAULT = 14, EEXIST = 17, ENOTDIR = 20, EISDIR = 21,
            EINVAL = 22, ENOEXEC = 8, ENOSYS = 38, ENAMETOOLONG = 36, ETXTBSY = 26, EALREADY = 114, EINPROGRESS = 115;

    private static final Map<Integer, String[]> TABLE = NumberedNames.load("/dev/detsim/sandbox/syscall/errno.tsv");

    private Errno() {}

    /** "ENOENT" for 2; "E123" for a number the table does not know. */
    public static String name(int errno) {
        String[] e = TABLE.get(errno);
        return e != null ? e[0] : "E" + errno;
    }

    /** "No such file or directory" for 2. */
    public static String message(int errno) {
        String[] e = TABLE.get(errno);
        return e != null ? e[1] : "Unknown error " + errno;
    }
}
