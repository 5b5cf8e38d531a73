package dev.detsim.sandbox.tracer.futex;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Where, in an x86_64 executable, the Go runtime makes its futex syscalls: the address just past the single
 * {@code syscall} instruction of {@code runtime.futex}, as seccomp reports it in instruction_pointer. Go's
 * runtime wakes a futex only after changing its word (notewakeup stores 1, unlock stores 0) and ignores the
 * count of threads woken, which is what lets {@link FutexWordWatch} leave those wakes to the kernel.
 *
 * <p>Found through the ELF symbol table, or in a stripped Go binary (Debian's etcd) through Go's own function
 * table; programs that are not Go have none: their futex wakes stop as every other futex call does. Results are kept per file (path, size,
 * modification time): a shell loop of the same programs reads each one once.
 */
final class GoFutexSite {
    /** The assembly function's names: Go 1.17 on mark assembly functions with their ABI in the symbol table. */
    static final List<String> SYMBOLS = List.of("runtime.futex.abi0", "runtime.futex");
    private static final byte[] SYSCALL = {0x0f, 0x05};
    private static final int SHT_SYMTAB = 2, STT_FUNC = 2, ET_DYN = 3, EM_X86_64 = 62;
    /** Larger symbol tables are not read (a Go binary of 100 MB has some 20 MB). */
    private static final long MAX_TABLE_BYTES = 64L << 20;

    /** The site in the file's own addresses (before any load bias), and whether the file is position-independent. */
    record Site(long address, boolean positionIndependent, long entry) {
        /** The site in a process whose AT_ENTRY is atEntry. */
        long loadedAt(long atEntry) {
            return positionIndependent ? address + (atEntry - entry) : address;
        }
    }

    /** Per file read: its site, or null for a file without one. */
    private final Map<String, Site> known = new HashMap<>();

    /** The site in the executable at path (the tracee's /proc/PID/exe), or null if it has none. */
    Site find(Path exe) {
        String key;
        try {
            BasicFileAttributes a = Files.readAttributes(exe, BasicFileAttributes.class);
            key = exe.toRealPath() + "\0" + a.size() + "\0" + a.lastModifiedTime().toMillis();
        } catch (IOException | RuntimeException e) {
            return null;
        }
        if (known.containsKey(key)) return known.get(key);
        Site s;
        try (FileChannel f = FileChannel.open(exe, StandardOpenOption.READ)) {
            s = read(f);
        } catch (IOException | RuntimeException e) {
            s = null;
        }
        known.put(key, s);
        return s;
    }

    /** The site in an ELF64 x86_64 file, or null. */
    static Site read(FileChannel f) throws IOException {
        ByteBuffer h = bytes(f, 0, 64);
        if (h == null || h.getInt(0) != 0x464c457f || h.get(4) != 2 || h.get(5) != 1
                || Short.toUnsignedInt(h.getShort(18)) != EM_X86_64) {
            return null; // not little-endian ELF64 for x86_64
        }
        boolean pie = h.getShort(16) == ET_DYN;
        long entry = h.getLong(24), shoff = h.getLong(40);
        int shentsize = Short.toUnsignedInt(h.getShort(58)), shnum = Short.toUnsignedInt(h.getShort(60));
        if (shoff <= 0 || shentsize < 64 || shnum == 0) return null;
        ByteBuffer sh = bytes(f, shoff, (long) shentsize * shnum);
        if (sh == null) return null;
        long[] function = fromSymbolTable(f, sh, shentsize, shnum);
        if (function == null) function = fromPcLineTable(f, sh, shentsize, shnum, Short.toUnsignedInt(h.getShort(62)));
        if (function == null) return null;
        long value = function[0], size = function[1];
        long fileOffset = fileOffsetOf(sh, shentsize, shnum, value, size);
        ByteBuffer code = fileOffset < 0 || size <= 0 || size > 4096 ? null : bytes(f, fileOffset, size);
        int syscall = code == null ? -1 : onlyOccurrence(code, SYSCALL);
        return syscall < 0 ? null : new Site(value + syscall + SYSCALL.length, pie, entry);
    }

    /** {address, size} of runtime.futex from the ELF symbol table (.symtab), or null. */
    private static long[] fromSymbolTable(FileChannel f, ByteBuffer sh, int shentsize, int shnum) throws IOException {
        for (int i = 0; i < shnum; i++) {
            int at = i * shentsize;
            if (sh.getInt(at + 4) != SHT_SYMTAB) continue;
            int link = sh.getInt(at + 40);
            if (link < 0 || link >= shnum) return null;
            long symOff = sh.getLong(at + 24), symSize = sh.getLong(at + 32);
            long strOff = sh.getLong(link * shentsize + 24), strSize = sh.getLong(link * shentsize + 32);
            if (symSize > MAX_TABLE_BYTES || strSize > MAX_TABLE_BYTES) return null;
            ByteBuffer strings = bytes(f, strOff, strSize);
            ByteBuffer symbols = bytes(f, symOff, symSize);
            if (strings == null || symbols == null) return null;
            int name = -1;
            for (int n = 0; n < SYMBOLS.size() && name < 0; n++) name = nameOffset(strings, SYMBOLS.get(n));
            if (name < 0) return null;
            for (int s = 0; s + 24 <= symbols.limit(); s += 24) {
                if (symbols.getInt(s) != name || (symbols.get(s + 4) & 0xf) != STT_FUNC) continue;
                return new long[] {symbols.getLong(s + 8), symbols.getLong(s + 16)};
            }
            return null;
        }
        return null;
    }

    /**
     * {address, size} of runtime.futex from Go's own function table (.gopclntab, which strip keeps: Debian's
     * etcd has no .symtab), in the layout of Go 1.18 and later (magic 0xfffffff0, 0xfffffff1): a header of
     * 8-byte words (nfunc, nfiles, textStart, funcnametab, cutab, filetab, pctab, functab offsets), then at
     * functab nfunc+1 pairs (entry offset from textStart, offset of the func record), each record starting
     * with its entry offset and the offset of its name in funcnametab. Null if absent or of another version,
     * or if the table's text address is left to a relocation (a position-independent build).
     */
    private static long[] fromPcLineTable(FileChannel f, ByteBuffer sh, int shentsize, int shnum, int shstrndx)
            throws IOException {
        if (shstrndx >= shnum) return null;
        ByteBuffer names = bytes(f, sh.getLong(shstrndx * shentsize + 24), sh.getLong(shstrndx * shentsize + 32));
        if (names == null) return null;
        int wanted = nameOffset(names, ".gopclntab");
        for (int i = 0; i < shnum && wanted >= 0; i++) {
            int at = i * shentsize;
            if (sh.getInt(at) != wanted) continue;
            long size = sh.getLong(at + 32);
            if (size > MAX_TABLE_BYTES) return null;
            ByteBuffer t = bytes(f, sh.getLong(at + 24), size);
            if (t == null || t.limit() < 72 || (t.getInt(0) != 0xfffffff0 && t.getInt(0) != 0xfffffff1) || t.get(7) != 8) {
                return null;
            }
            long nfunc = t.getLong(8), textStart = t.getLong(24), funcNames = t.getLong(32), functab = t.getLong(64);
            if (textStart == 0 || nfunc <= 0 || functab + 8 * (nfunc + 1) > t.limit() || funcNames >= t.limit()) return null;
            long namesEnd = t.getLong(40) > funcNames && t.getLong(40) <= t.limit() ? t.getLong(40) : t.limit(); // cutab
            ByteBuffer funcnametab = t.duplicate().position((int) funcNames).limit((int) namesEnd).slice();
            for (String symbol : SYMBOLS) {
                int name = nameOffset(funcnametab, symbol);
                if (name < 0) continue;
                for (long k = 0; k < nfunc; k++) {
                    int pair = (int) (functab + 8 * k);
                    long record = functab + Integer.toUnsignedLong(t.getInt(pair + 4));
                    if (record + 8 > t.limit() || t.getInt((int) record + 4) != name) continue;
                    long start = Integer.toUnsignedLong(t.getInt(pair)), end = Integer.toUnsignedLong(t.getInt(pair + 8));
                    return new long[] {textStart + start, end - start};
                }
            }
            return null;
        }
        return null;
    }

    /** Offset in the string table of the NUL-terminated name, or -1. */
    private static int nameOffset(ByteBuffer strings, String name) {
        byte[] n = (name + "\0").getBytes(StandardCharsets.US_ASCII);
        int limit = strings.limit() - n.length;
        outer:
        for (int i = 0; i <= limit; i++) {
            if (i > 0 && strings.get(i - 1) != 0) continue; // names start after a NUL
            for (int j = 0; j < n.length; j++) {
                if (strings.get(i + j) != n[j]) continue outer;
            }
            return i;
        }
        return -1;
    }

    /** Where in the file the size bytes at virtual address value are, from the section that holds them; -1 if none. */
    private static long fileOffsetOf(ByteBuffer sh, int shentsize, int shnum, long value, long size) {
        for (int i = 0; i < shnum; i++) {
            int at = i * shentsize;
            long addr = sh.getLong(at + 16), off = sh.getLong(at + 24), sz = sh.getLong(at + 32);
            int type = sh.getInt(at + 4);
            if (type != 8 /* SHT_NOBITS */ && addr != 0 && value >= addr && value + size <= addr + sz) {
                return off + (value - addr);
            }
        }
        return -1;
    }

    /** Index of the single occurrence of needle in b, or -1 if it occurs never or more than once. */
    private static int onlyOccurrence(ByteBuffer b, byte[] needle) {
        int found = -1;
        outer:
        for (int i = 0; i + needle.length <= b.limit(); i++) {
            for (int j = 0; j < needle.length; j++) {
                if (b.get(i + j) != needle[j]) continue outer;
            }
            if (found >= 0) return -1;
            found = i;
        }
        return found;
    }

    private static ByteBuffer bytes(FileChannel f, long offset, long length) throws IOException {
        if (offset < 0 || length < 0 || length > Integer.MAX_VALUE || offset + length > f.size()) return null;
        ByteBuffer b = ByteBuffer.allocate((int) length).order(ByteOrder.LITTLE_ENDIAN);
        while (b.hasRemaining()) {
            if (f.read(b, offset + b.position()) < 0) return null;
        }
        return b.flip();
    }
}
