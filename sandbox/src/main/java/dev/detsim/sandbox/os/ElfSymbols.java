package dev.detsim.sandbox.os;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The function that holds a file offset of an ELF file (64-bit, little-endian): its STT_FUNC (and GNU IFUNC)
 * symbols from .symtab and .dynsym, placed in the file through the PT_LOAD program headers. Only a symbol whose
 * [value, value + size) holds the address names it, so a stripped file, or code no symbol covers (libc's
 * internal functions are in neither table of a stripped libc), gives null rather than the nearest name below.
 * Tables are read once per file (path, size and modification time) and kept.
 */
public final class ElfSymbols {
    private static final int PT_LOAD = 1, SHT_SYMTAB = 2, SHT_DYNSYM = 11, STT_FUNC = 2, STT_GNU_IFUNC = 10;
    private static final int STB_GLOBAL = 1, SYMBOL_BYTES = 24;
    private static final ConcurrentHashMap<Path, ElfSymbols> CACHE = new ConcurrentHashMap<>();

    private record Load(long offset, long fileSize, long address) {}

    private record Function(long start, long end, String name, boolean global) {}

    private final Object identity; // size and modification time the tables were read at
    private final List<Load> loads;
    private final Function[] functions; // by start, then by end descending
    private final long longest; // the greatest size of a function

    private ElfSymbols(Object identity, List<Load> loads, Function[] functions) {
        this.identity = identity;
        this.loads = loads;
        this.functions = functions;
        long max = 0;
        for (Function f : functions) max = Math.max(max, f.end() - f.start());
        this.longest = max;
    }

    /**
     * "name+0xN" for the function of file that holds fileOffset (the offset of a byte in the file, as
     * /proc/PID/maps gives it: address − mapping start + mapping offset), "name" at its first byte; null if the file
     * is not a readable 64-bit little-endian ELF file, has no symbol there, or the offset is in no loaded segment.
     */
    public static String functionAt(Path file, long fileOffset) {
        ElfSymbols table = of(file);
        return table == null ? null : table.nameAt(fileOffset);
    }

    /**
     * {@link #functionAt} for a return address: the function of the call before it (the byte before the address,
     * since a call to a function that does not return may be a function's last instruction), the offset given
     * from that function's start to the return address.
     */
    public static String callerAt(Path file, long returnOffset) {
        ElfSymbols table = of(file);
        return table == null ? null : table.nameAt(returnOffset - 1, 1);
    }

    /** The tables of file, read at the first call (and again when the file changed), or null if it is not ELF64 LE. */
    static ElfSymbols of(Path file) {
        Object identity;
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
            identity = List.of(a.size(), a.lastModifiedTime().toMillis(), String.valueOf(a.fileKey()));
        } catch (IOException e) {
            return null;
        }
        ElfSymbols cached = CACHE.get(file);
        if (cached != null && cached.identity.equals(identity)) return cached;
        ElfSymbols read;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            if (ch.size() < 64) return null;
            ByteBuffer b = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size()).order(ByteOrder.LITTLE_ENDIAN);
            read = parse(b, identity);
        } catch (IOException | RuntimeException e) { // unreadable, or a malformed header that points outside
            read = null;
        }
        if (read != null) CACHE.put(file, read);
        return read;
    }

    private static ElfSymbols parse(ByteBuffer b, Object identity) {
        if (b.getInt(0) != 0x464c457f || b.get(4) != 2 || b.get(5) != 1) return null; // \x7fELF, 64-bit, LE
        long phoff = b.getLong(32), shoff = b.getLong(40);
        int phentsize = Short.toUnsignedInt(b.getShort(54)), phnum = Short.toUnsignedInt(b.getShort(56));
        int shentsize = Short.toUnsignedInt(b.getShort(58)), shnum = Short.toUnsignedInt(b.getShort(60));
        List<Load> loads = new ArrayList<>();
        for (int i = 0; i < phnum; i++) {
            int p = Math.toIntExact(phoff + (long) i * phentsize);
            if (b.getInt(p) == PT_LOAD) loads.add(new Load(b.getLong(p + 8), b.getLong(p + 32), b.getLong(p + 16)));
        }
        List<Function> functions = new ArrayList<>();
        for (int i = 0; shoff != 0 && i < shnum; i++) {
            int s = Math.toIntExact(shoff + (long) i * shentsize);
            int type = b.getInt(s + 4);
            if (type != SHT_SYMTAB && type != SHT_DYNSYM) continue;
            long offset = b.getLong(s + 24), size = b.getLong(s + 32);
            int strings = Math.toIntExact(shoff + (long) b.getInt(s + 40) * shentsize);
            long strOffset = b.getLong(strings + 24), strSize = b.getLong(strings + 32);
            for (long e = offset; e + SYMBOL_BYTES <= offset + size; e += SYMBOL_BYTES) {
                int at = Math.toIntExact(e);
                int info = b.get(at + 4) & 0xff;
                int kind = info & 0xf;
                long value = b.getLong(at + 8), length = b.getLong(at + 16);
                if ((kind != STT_FUNC && kind != STT_GNU_IFUNC) || length <= 0 || b.getShort(at + 6) == 0) continue;
                long name = Integer.toUnsignedLong(b.getInt(at));
                if (name >= strSize) continue;
                functions.add(new Function(value, value + length, cString(b, strOffset + name, strOffset + strSize),
                        info >> 4 == STB_GLOBAL));
            }
        }
        Function[] sorted = functions.toArray(new Function[0]);
        Arrays.sort(sorted, Comparator.comparingLong(Function::start).thenComparing(Function::end, Comparator.reverseOrder())
                .thenComparing(f -> !f.global()).thenComparing(Function::name));
        return new ElfSymbols(identity, loads, sorted);
    }

    private static String cString(ByteBuffer b, long from, long limit) {
        int start = Math.toIntExact(from), end = start;
        while (end < limit && b.get(end) != 0) end++;
        byte[] bytes = new byte[end - start];
        b.get(start, bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** The function holding the byte at fileOffset, as "name+0xN", or null. */
    String nameAt(long fileOffset) {
        return nameAt(fileOffset, 0);
    }

    private String nameAt(long fileOffset, long past) {
        Long address = null;
        for (Load l : loads) {
            if (fileOffset >= l.offset() && fileOffset < l.offset() + l.fileSize()) {
                address = fileOffset - l.offset() + l.address();
                break;
            }
        }
        if (address == null) return null;
        // The innermost function that holds it: the greatest start among those whose range holds it (the first in
        // sort order among equal starts). Found from the last start at or below it, back as far as the longest
        // function reaches: a lookup costs a binary search, as shrink names many sites.
        int lo = 0, hi = functions.length - 1, last = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (functions[mid].start() <= address) {
                last = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        Function best = null;
        for (int i = last; i >= 0 && address - functions[i].start() < longest; i--) {
            Function f = functions[i];
            if (best != null && f.start() < best.start()) break;
            if (address < f.end()) best = f;
        }
        if (best == null) return null;
        long into = address - best.start() + past;
        return into == 0 ? best.name() : best.name() + "+0x" + Long.toHexString(into);
    }
}
