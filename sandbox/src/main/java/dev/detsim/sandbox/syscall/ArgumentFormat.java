package dev.detsim.sandbox.syscall;

import dev.detsim.abi.AtFlags;
import dev.detsim.abi.CloneFlags;
import dev.detsim.abi.Fcntl;
import dev.detsim.abi.Flag;
import dev.detsim.abi.Futex;
import dev.detsim.abi.Mman;
import dev.detsim.abi.OpenFlags;
import dev.detsim.abi.Signals;
import dev.detsim.abi.Time;
import dev.detsim.sandbox.arch.Arch;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Renders syscall argument values by their kind (the vocabulary of syscalls.tsv), strace-style. */
public final class ArgumentFormat {
    /** open(2)'s flags above the access mode, as this machine (the guest's architecture) numbers them. */
    private static final List<Flag> OPEN_FLAGS = aboveAccessMode(Arch.current().openFlags().names());

    private ArgumentFormat() {}

    /** Any kind except the ones that read memory (str, strv, inbuf, outbuf). */
    public static String scalar(String kind, long v) {
        return switch (kind) {
            case "int", "fd", "pid" -> Integer.toString((int) v);
            case "uint" -> Integer.toUnsignedString((int) v);
            case "long", "off" -> Long.toString(v);
            case "ulong", "size" -> Long.toUnsignedString(v);
            case "ptr", "sigset", "timespec" -> pointer(v);
            case "dirfd" -> (int) v == AtFlags.AT_FDCWD ? "AT_FDCWD" : Integer.toString((int) v);
            case "mode" -> "0" + Long.toOctalString(v & 07777);
            case "oflags" -> openFlags((int) v);
            case "atflags" -> flags(v, AtFlags.NAMES, "0");
            case "prot" -> flags(v, Mman.PROT_NAMES, "PROT_NONE");
            case "mmapflags" -> flags(v, Mman.MAP_NAMES, "0");
            case "cloneflags" -> cloneFlags(v);
            case "signal" -> (int) v == 0 ? "0" : Signals.name((int) v);
            case "clockid" -> v == (int) v && Time.clockName((int) v) != null ? Time.clockName((int) v)
                    : Integer.toString((int) v);
            case "futexop" -> futexOp((int) v);
            case "whence" -> Fcntl.whenceName(v) != null ? Fcntl.whenceName(v) : Long.toString(v);
            case "none" -> "?";
            default -> "0x" + Long.toHexString(v); // hex, ioctlreq and anything not worth decoding
        };
    }

    public static String pointer(long v) {
        return v == 0 ? "NULL" : "0x" + Long.toHexString(v);
    }

    private static String openFlags(int v) {
        String access = switch (v & OpenFlags.O_ACCMODE) {
            case OpenFlags.O_RDONLY -> "O_RDONLY";
            case OpenFlags.O_WRONLY -> "O_WRONLY";
            case OpenFlags.O_RDWR -> "O_RDWR";
            default -> "O_ACCMODE";
        };
        String rest = flags(v & ~OpenFlags.O_ACCMODE, OPEN_FLAGS, "");
        return rest.isEmpty() ? access : access + "|" + rest;
    }

    private static List<Flag> aboveAccessMode(List<Flag> flags) {
        List<Flag> out = new ArrayList<>();
        for (Flag f : flags) if (f.bits() > OpenFlags.O_ACCMODE) out.add(f);
        return List.copyOf(out);
    }

    private static String cloneFlags(long v) {
        int exitSignal = (int) (v & CloneFlags.CSIGNAL);
        String rest = flags(v & ~CloneFlags.CSIGNAL, CloneFlags.NAMES, "");
        String sig = exitSignal == 0 ? "" : Signals.name(exitSignal);
        if (rest.isEmpty()) return sig.isEmpty() ? "0" : sig;
        return sig.isEmpty() ? rest : rest + "|" + sig;
    }

    private static String futexOp(int v) {
        int cmd = v & 0x7f;
        String name = Futex.name(cmd);
        StringBuilder b = new StringBuilder(name != null ? name : Integer.toString(cmd));
        if ((v & Futex.FUTEX_PRIVATE_FLAG) != 0) b.append("_PRIVATE");
        if ((v & Futex.FUTEX_CLOCK_REALTIME) != 0) b.append("|FUTEX_CLOCK_REALTIME");
        return b.toString();
    }

    private static String flags(long v, List<Flag> table, String zero) {
        if (v == 0) return zero;
        StringBuilder b = new StringBuilder();
        long rest = v;
        for (Flag f : table) {
            long bit = f.bits();
            if ((v & bit) == bit) {
                if (!b.isEmpty()) b.append('|');
                b.append(f.name());
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
