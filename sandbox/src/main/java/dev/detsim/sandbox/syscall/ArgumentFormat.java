package dev.detsim.sandbox.syscall;

import dev.detsim.sandbox.os.SignalNames;
import java.nio.charset.StandardCharsets;

/** Renders syscall argument values by their kind (the vocabulary of syscalls.tsv), strace-style. */
public final class ArgumentFormat {
    private static final String[][] OPEN_FLAGS = {
        {"01", "O_WRONLY"}, {"02", "O_RDWR"}, {"0100", "O_CREAT"}, {"0200", "O_EXCL"}, {"0400", "O_NOCTTY"},
        {"01000", "O_TRUNC"}, {"02000", "O_APPEND"}, {"04000", "O_NONBLOCK"}, {"010000", "O_DSYNC"},
        {"020000", "O_ASYNC"}, {"040000", "O_DIRECT"}, {"0200000", "O_DIRECTORY"}, {"0400000", "O_NOFOLLOW"},
        {"01000000", "O_NOATIME"}, {"02000000", "O_CLOEXEC"}, {"04000000", "O_SYNC"}, {"010000000", "O_PATH"},
        {"020000000", "O_TMPFILE"}};
    private static final String[][] AT_FLAGS = {
        {"0x100", "AT_SYMLINK_NOFOLLOW"}, {"0x200", "AT_REMOVEDIR"}, {"0x400", "AT_SYMLINK_FOLLOW"},
        {"0x800", "AT_NO_AUTOMOUNT"}, {"0x1000", "AT_EMPTY_PATH"}};
    private static final String[][] PROT = {{"0x1", "PROT_READ"}, {"0x2", "PROT_WRITE"}, {"0x4", "PROT_EXEC"}};
    private static final String[][] MMAP_FLAGS = {
        {"0x1", "MAP_SHARED"}, {"0x2", "MAP_PRIVATE"}, {"0x10", "MAP_FIXED"}, {"0x20", "MAP_ANONYMOUS"},
        {"0x100", "MAP_GROWSDOWN"}, {"0x800", "MAP_DENYWRITE"}, {"0x1000", "MAP_EXECUTABLE"},
        {"0x2000", "MAP_LOCKED"}, {"0x4000", "MAP_NORESERVE"}, {"0x8000", "MAP_POPULATE"},
        {"0x10000", "MAP_NONBLOCK"}, {"0x20000", "MAP_STACK"}, {"0x40000", "MAP_HUGETLB"},
        {"0x100000", "MAP_FIXED_NOREPLACE"}};
    private static final String[][] CLONE_FLAGS = {
        {"0x100", "CLONE_VM"}, {"0x200", "CLONE_FS"}, {"0x400", "CLONE_FILES"}, {"0x800", "CLONE_SIGHAND"},
        {"0x1000", "CLONE_PIDFD"}, {"0x2000", "CLONE_PTRACE"}, {"0x4000", "CLONE_VFORK"},
        {"0x8000", "CLONE_PARENT"}, {"0x10000", "CLONE_THREAD"}, {"0x20000", "CLONE_NEWNS"},
        {"0x40000", "CLONE_SYSVSEM"}, {"0x80000", "CLONE_SETTLS"}, {"0x100000", "CLONE_PARENT_SETTID"},
        {"0x200000", "CLONE_CHILD_CLEARTID"}, {"0x400000", "CLONE_DETACHED"}, {"0x800000", "CLONE_UNTRACED"},
        {"0x1000000", "CLONE_CHILD_SETTID"}};
    private static final String[] CLOCKS = {"CLOCK_REALTIME", "CLOCK_MONOTONIC", "CLOCK_PROCESS_CPUTIME_ID",
        "CLOCK_THREAD_CPUTIME_ID", "CLOCK_MONOTONIC_RAW", "CLOCK_REALTIME_COARSE", "CLOCK_MONOTONIC_COARSE",
        "CLOCK_BOOTTIME", "CLOCK_REALTIME_ALARM", "CLOCK_BOOTTIME_ALARM", "", "CLOCK_TAI"};
    private static final String[] FUTEX_OPS = {"FUTEX_WAIT", "FUTEX_WAKE", "FUTEX_FD", "FUTEX_REQUEUE",
        "FUTEX_CMP_REQUEUE", "FUTEX_WAKE_OP", "FUTEX_LOCK_PI", "FUTEX_UNLOCK_PI", "FUTEX_TRYLOCK_PI",
        "FUTEX_WAIT_BITSET", "FUTEX_WAKE_BITSET", "FUTEX_WAIT_REQUEUE_PI", "FUTEX_CMP_REQUEUE_PI",
        "FUTEX_LOCK_PI2"};
    private static final String[] WHENCE = {"SEEK_SET", "SEEK_CUR", "SEEK_END", "SEEK_DATA", "SEEK_HOLE"};

    private ArgumentFormat() {}

    /** Any kind except the ones that read memory (str, strv, inbuf, outbuf). */
    public static String scalar(String kind, long v) {
        return switch (kind) {
            case "int", "fd", "pid" -> Integer.toString((int) v);
            case "uint" -> Integer.toUnsignedString((int) v);
            case "long", "off" -> Long.toString(v);
            case "ulong", "size" -> Long.toUnsignedString(v);
            case "ptr", "sigset", "timespec" -> pointer(v);
            case "dirfd" -> (int) v == -100 ? "AT_FDCWD" : Integer.toString((int) v);
            case "mode" -> "0" + Long.toOctalString(v & 07777);
            case "oflags" -> openFlags((int) v);
            case "atflags" -> flags(v, AT_FLAGS, "0");
            case "prot" -> flags(v, PROT, "PROT_NONE");
            case "mmapflags" -> flags(v, MMAP_FLAGS, "0");
            case "cloneflags" -> cloneFlags(v);
            case "signal" -> (int) v == 0 ? "0" : SignalNames.name((int) v);
            case "clockid" -> v >= 0 && v < CLOCKS.length && !CLOCKS[(int) v].isEmpty()
                    ? CLOCKS[(int) v] : Integer.toString((int) v);
            case "futexop" -> futexOp((int) v);
            case "whence" -> v >= 0 && v < WHENCE.length ? WHENCE[(int) v] : Long.toString(v);
            case "none" -> "?";
            default -> "0x" + Long.toHexString(v); // hex, ioctlreq and anything not worth decoding
        };
    }

    public static String pointer(long v) {
        return v == 0 ? "NULL" : "0x" + Long.toHexString(v);
    }

    private static String openFlags(int v) {
        String access = switch (v & 3) {
            case 0 -> "O_RDONLY";
            case 1 -> "O_WRONLY";
            case 2 -> "O_RDWR";
            default -> "O_ACCMODE";
        };
        String rest = flags(v & ~3, java.util.Arrays.copyOfRange(OPEN_FLAGS, 2, OPEN_FLAGS.length), "");
        return rest.isEmpty() ? access : access + "|" + rest;
    }

    private static String cloneFlags(long v) {
        int exitSignal = (int) (v & 0xff);
        String rest = flags(v & ~0xffL, CLONE_FLAGS, "");
        String sig = exitSignal == 0 ? "" : SignalNames.name(exitSignal);
        if (rest.isEmpty()) return sig.isEmpty() ? "0" : sig;
        return sig.isEmpty() ? rest : rest + "|" + sig;
    }

    private static String futexOp(int v) {
        int cmd = v & 0x7f;
        StringBuilder b = new StringBuilder(cmd < FUTEX_OPS.length ? FUTEX_OPS[cmd] : Integer.toString(cmd));
        if ((v & 128) != 0) b.append("_PRIVATE");
        if ((v & 256) != 0) b.append("|FUTEX_CLOCK_REALTIME");
        return b.toString();
    }

    private static String flags(long v, String[][] table, String zero) {
        if (v == 0) return zero;
        StringBuilder b = new StringBuilder();
        long rest = v;
        for (String[] f : table) {
            long bit = Long.decode(f[0]);
            if ((v & bit) == bit) {
                if (!b.isEmpty()) b.append('|');
                b.append(f[1]);
                rest &= ~bit;
            }
        }
        if (rest != 0) {
            if (!b.isEmpty()) b.append('|');
            b.append("0x").append(Long.toHexString(rest));
        }
        return b.toString();
    }

    /** A C-style quoted string, cut at max characters with "..." after the quote. */
    public static String quote(String s, int max) {
        boolean cut = s.length() > max;
        return quoteBytes((cut ? s.substring(0, max) : s).getBytes(StandardCharsets.UTF_8), cut);
    }

    public static String quoteBytes(byte[] bytes, boolean truncated) {
        StringBuilder b = new StringBuilder("\"");
        for (byte x : bytes) {
            int c = x & 0xff;
            switch (c) {
                case '\n' -> b.append("\\n");
                case '\t' -> b.append("\\t");
                case '\r' -> b.append("\\r");
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                default -> {
                    if (c >= 0x20 && c < 0x7f) b.append((char) c);
                    else b.append(String.format("\\x%02x", c));
                }
            }
        }
        b.append('"');
        if (truncated) b.append("...");
        return b.toString();
    }
}
