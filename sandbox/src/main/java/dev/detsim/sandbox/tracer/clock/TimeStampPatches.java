package dev.detsim.sandbox.tracer.clock;

import dev.detsim.sandbox.tracer.NewProgram;
import dev.detsim.sandbox.tracer.ProcessListener;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * rdtsc without PR_SET_TSC. Some hosts (this project's CI VM among them) accept PR_SET_TSC yet never fault on
 * rdtsc, so the counter a program reads is the host's. Go's runtime reads it in runtime.cputicks (which seeds
 * every M's fastrand, and with it select order and work stealing): a Go program would never repeat itself.
 *
 * <p>At each exec of a Go program (an ELF with a .note.go.buildid section), detsim looks in the file for the
 * exact instruction sequences of runtime.cputicks — {@code RDTSCP; SHLQ $32, DX; ADDQ DX, AX} and
 * {@code MFENCE; LFENCE; RDTSC} — and overwrites each RDTSC(P) in the new process with UD2 (0F 0B, plus a NOP
 * for RDTSCP's third byte). The SIGILL it raises there is answered like a trapped rdtsc. Only addresses detsim
 * patched are answered; any other SIGILL is delivered. The sequences are matched in full, so a byte pattern
 * inside other instructions is not patched by accident. Results are cached per file (path, size, mtime, inode).
 */
public final class TimeStampPatches implements ProcessListener {
    private static final byte[] RDTSCP_SEQUENCE = hex("0f01f948c1e2204801d0");
    private static final byte[] RDTSC_SEQUENCE = hex("0faef00faee80f31");
    private static final byte[] UD2_FOR_RDTSCP = hex("0f0b90");
    private static final byte[] UD2_FOR_RDTSC = hex("0f0b");
    private static final byte[] GO_NOTE = ".note.go.buildid".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final int PT_LOAD = 1;

    /** One patched instruction: where it is in the process, and how long the original was (2 or 3 bytes). */
    record Site(long address, int length) {
        boolean rdtscp() {
            return length == 3;
        }
    }

    /** A file's sites as file offsets, and its PT_LOAD segments to place them. */
    private record FileSites(List<long[]> offsetsAndLengths, List<long[]> loads, boolean dynamic) {}

    private final Map<String, FileSites> byFile = new HashMap<>();
    /** Per process (host tgid): the sites patched in its image; shared with forked children. */
    private final Map<Integer, Map<Long, Site>> byProcess = new HashMap<>();

    /** After an exec of process tgid: patches its program if it is a Go binary; how many sites. */
    int patchProgram(int tgid) {
        byProcess.remove(tgid);
        Path exe;
        FileSites sites;
        try {
            exe = Files.readSymbolicLink(Path.of("/proc/" + tgid + "/exe"));
            sites = sitesOf(exe);
        } catch (IOException | RuntimeException e) {
            return 0;
        }
        if (sites == null || sites.offsetsAndLengths().isEmpty()) return 0;
        long bias = sites.dynamic() ? loadBias(tgid, exe, sites.loads()) : 0;
        if (bias < 0) return 0;
        Map<Long, Site> patched = new HashMap<>();
        try (RandomAccessFile mem = new RandomAccessFile("/proc/" + tgid + "/mem", "rw")) {
            for (long[] ol : sites.offsetsAndLengths()) {
                long address = virtualAddress(ol[0], sites.loads());
                if (address < 0) continue;
                address += bias;
                mem.seek(address);
                mem.write(ol[1] == 3 ? UD2_FOR_RDTSCP : UD2_FOR_RDTSC);
                patched.put(address, new Site(address, (int) ol[1]));
            }
        } catch (IOException e) {
            return 0;
        }
        if (!patched.isEmpty()) byProcess.put(tgid, Map.copyOf(patched));
        return patched.size();
    }

    /** A Go program's rdtsc sites are patched before it runs; the event of its exec says how many. */
    @Override
    public void execed(NewProgram program) {
        int patched = patchProgram(program.tgid());
        if (patched > 0) program.note("rdtsc-sites-patched", patched);
    }

    /** A fork copies the parent's (patched) memory. */
    @Override
    public void forked(int parentTgid, int childTgid) {
        Map<Long, Site> sites = byProcess.get(parentTgid);
        if (sites != null) byProcess.put(childTgid, sites);
    }

    @Override
    public void exited(int tgid) {
        byProcess.remove(tgid);
    }

    /** The site detsim patched at address in process tgid, or null. */
    Site at(int tgid, long address) {
        Map<Long, Site> sites = byProcess.get(tgid);
        return sites == null ? null : sites.get(address);
    }

    private FileSites sitesOf(Path exe) throws IOException {
        BasicFileAttributes a = Files.readAttributes(exe, BasicFileAttributes.class);
        String key = exe + ":" + a.size() + ":" + a.lastModifiedTime().toMillis() + ":" + a.fileKey();
        FileSites known = byFile.get(key);
        if (known != null || byFile.containsKey(key)) return known;
        FileSites found = scan(Files.readAllBytes(exe));
        byFile.put(key, found);
        return found;
    }

    /** The sites in an ELF64 little-endian file that is a Go program, else null. */
    static FileSites scan(byte[] elf) {
        if (elf.length < 64 || elf[0] != 0x7f || elf[1] != 'E' || elf[2] != 'L' || elf[3] != 'F' || elf[4] != 2
                || elf[5] != 1 || indexOf(elf, GO_NOTE, 0) < 0) {
            return null;
        }
        ByteBuffer b = ByteBuffer.wrap(elf).order(ByteOrder.LITTLE_ENDIAN);
        boolean dynamic = b.getShort(16) == 3; // ET_DYN: position-independent
        long phoff = b.getLong(32);
        int phentsize = b.getShort(54) & 0xffff, phnum = b.getShort(56) & 0xffff;
        List<long[]> loads = new ArrayList<>();
        for (int i = 0; i < phnum; i++) {
            int p = (int) (phoff + (long) i * phentsize);
            if (p + 56 > elf.length || b.getInt(p) != PT_LOAD) continue;
            loads.add(new long[] {b.getLong(p + 8), b.getLong(p + 16), b.getLong(p + 32)}); // offset, vaddr, filesz
        }
        List<long[]> sites = new ArrayList<>();
        for (int i = indexOf(elf, RDTSCP_SEQUENCE, 0); i >= 0; i = indexOf(elf, RDTSCP_SEQUENCE, i + 1)) {
            sites.add(new long[] {i, 3});
        }
        for (int i = indexOf(elf, RDTSC_SEQUENCE, 0); i >= 0; i = indexOf(elf, RDTSC_SEQUENCE, i + 1)) {
            sites.add(new long[] {i + 6, 2});
        }
        return new FileSites(sites, loads, dynamic);
    }

    /** The link-time address of file offset, or -1 if no loaded segment holds it. */
    private static long virtualAddress(long offset, List<long[]> loads) {
        for (long[] l : loads) {
            if (offset >= l[0] && offset < l[0] + l[2]) return l[1] + offset - l[0];
        }
        return -1;
    }

    /** Where a position-independent program was loaded: its first mapping's start minus its first segment's. */
    private static long loadBias(int tgid, Path exe, List<long[]> loads) {
        if (loads.isEmpty()) return -1;
        long firstVaddr = loads.getFirst()[1] & ~0xfffL;
        for (dev.detsim.sandbox.os.MemoryMap.Mapping m : dev.detsim.sandbox.os.MemoryMap.of(tgid)) {
            if (m.offset() == 0 && m.name().equals(exe.toString())) return m.start() - firstVaddr;
        }
        return -1;
    }

    private static int indexOf(byte[] haystack, byte[] needle, int from) {
        outer:
        for (int i = from; i <= haystack.length - needle.length; i++) {
            if (haystack[i] != needle[0]) continue;
            for (int j = 1; j < needle.length; j++) if (haystack[i + j] != needle[j]) continue outer;
            return i;
        }
        return -1;
    }

    private static byte[] hex(String s) {
        return java.util.HexFormat.of().parseHex(s);
    }
}
