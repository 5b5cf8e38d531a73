package dev.detsim.abi;

import java.util.Map;

/**
 * Linux errno values (the same on x86_64 and aarch64), with their names and messages from errno.tsv. An errno
 * is a value, never an exception: a plain positive int, which a failing syscall returns negated (-4095..-1 in
 * its result register).
 */
public final class Errno {
    public static final int EPERM = 1, ENOENT = 2, ESRCH = 3, EINTR = 4, EIO = 5, ENOEXEC = 8, EBADF = 9,
            ECHILD = 10, EAGAIN = 11, ENOMEM = 12, EACCES = 13, EFAULT = 14, EEXIST = 17, ENOTDIR = 20,
            EISDIR = 21, EINVAL = 22, ETXTBSY = 26, ENAMETOOLONG = 36, ENOSYS = 38, ETIMEDOUT = 110,
            ECONNREFUSED = 111, EALREADY = 114, EINPROGRESS = 115;
    /** The largest errno: results from -MAX_ERRNO to -1 are errors, anything else is a value (an address...). */
    public static final int MAX_ERRNO = 4095;

    private static final Map<Integer, String[]> TABLE = NumberedNames.load("/dev/detsim/abi/errno.tsv");

    private Errno() {}

    /** Whether a raw syscall result is an error (-4095..-1) rather than a value. */
    public static boolean isError(long result) {
        return result < 0 && result >= -MAX_ERRNO;
    }

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
