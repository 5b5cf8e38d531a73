package dev.detsim.sandbox.tracer.clock;

import static dev.detsim.abi.AtFlags.AT_FDCWD;
import static dev.detsim.abi.Mman.MAP_ANONYMOUS;
import static dev.detsim.abi.Mman.MAP_PRIVATE;
import static dev.detsim.abi.Mman.MAP_SHARED;
import static dev.detsim.abi.Mman.PROT_READ;
import static dev.detsim.abi.Mman.PROT_WRITE;
import static dev.detsim.abi.OpenFlags.O_CLOEXEC;
import static dev.detsim.abi.OpenFlags.O_RDWR;

import dev.detsim.abi.Time;
import dev.detsim.sandbox.api.GuestMemory;
import dev.detsim.sandbox.arch.VdsoStubs;
import dev.detsim.sandbox.syscall.Syscall;
import dev.detsim.sandbox.tracer.SyscallInjector;
import dev.detsim.sandbox.world.Clocks;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * Fast virtual clock reads through the vDSO. At each exec detsim maps a clock page into the new process
 * (injected syscalls), replaces the vDSO's time functions with {@link VdsoStubs}, and at the start of every
 * turn writes the turn's clock bases into the page the process about to run reads. A clock_gettime then
 * costs a few instructions instead of a stop at the tracer, and still reads virtual time:
 *
 * <p>read k (1..{@value #READS_PER_TURN}) of a turn returns {@code origin + now - (READS_PER_TURN + 1 - k) * STEP},
 * where now is the virtual time of the turn. The reads of a turn are therefore increasing, later than any
 * read of an earlier turn (a turn costs 1 µs, more than {@code (READS_PER_TURN + 1) * STEP}) and earlier than
 * a syscall read in the same turn. The read after the last one makes the real syscall: a thread that only
 * reads the clock still reaches a scheduling point every {@value #READS_PER_TURN} reads, as the Go runtime's
 * sysmon needs to see time pass. Everything here depends only on the turn and the count of reads, so it
 * repeats exactly.
 *
 * <p>Where it can, the page is the {@link SharedClockPage} that detsim maps too: every process maps the same
 * page, and detsim stores each turn's bases into it, which costs no syscall. Where a process cannot map that
 * one, it gets a private page, and writing that costs a process_vm_writev per turn, so such a process pays it
 * only once it reads the clock: its page starts with a limit of 0 reads, so its first clock_gettime is a
 * syscall; from then on (see {@link #clockRead}) its page gets the turn's bases and a limit of
 * {@value #READS_PER_TURN} at each of its turns.
 */
public final class VdsoClock {
    static final int READS_PER_TURN = 512;
    static final long STEP_NANOS = 1;
    private static final int PAGE_SIZE = 4096;
    private static final long MINIMUM_OFFSET = (READS_PER_TURN + 1) * STEP_NANOS;
    private static final int O_RDWR_CLOEXEC = O_RDWR | O_CLOEXEC, PROT_READ_WRITE = PROT_READ | PROT_WRITE,
            MAP_PRIVATE_ANONYMOUS = MAP_PRIVATE | MAP_ANONYMOUS;
    /** Where, in the patched clock_gettime, the path of the shared page is put for the injected openat. */
    private static final int PATH_OFFSET = 16;

    private final VdsoStubs stubs;
    private final Clocks clocks;
    /** The page shared by detsim and the programs, or null. */
    private final SharedClockPage shared;
    /** Per process (host tgid) with a private clock page: its address. */
    private final Map<Integer, Long> pages = new HashMap<>();
    /** Processes that have read the clock: their pages are kept current. */
    private final java.util.Set<Integer> readers = new java.util.HashSet<>();
    /** The page of each turn, filled at the turn's start (written out at once, so one buffer serves every turn). */
    private final ByteBuffer turnPage = ByteBuffer.allocate(VdsoStubs.PAGE_BYTES).order(ByteOrder.LITTLE_ENDIAN);
    /**
     * The vDSO as the kernel maps it into every new program, and its function symbols: a new program whose
     * bytes at its AT_SYSINFO_EHDR are these needs neither its /proc/PID/maps read nor the ELF parsed again
     * (together about a third of the tracer's time at an exec, measured on a shell loop of /bin/true).
     */
    private byte[] knownImage;
    private Map<String, long[]> knownSymbols;

    /** shared: the page to map in every process where it can be, or null for private pages only. */
    public VdsoClock(VdsoStubs stubs, Clocks clocks, SharedClockPage shared) {
        this.stubs = stubs;
        this.clocks = clocks;
        this.shared = shared;
        if (shared != null) shared.write(pageStart(0, 0, 0, 0)); // a limit of 0 reads until the first turn
    }

    /**
     * After an exec of thread tid (process tgid), whose vDSO starts at base (its AT_SYSINFO_EHDR): installs the
     * clock page and the stubs. False if the vDSO could not be patched (then the caller hides it, and clock
     * reads stop at the tracer).
     */
    boolean install(int tid, int tgid, long base, SyscallInjector injector) {
        pages.remove(tgid);
        readers.remove(tgid);
        try (RandomAccessFile mem = new RandomAccessFile("/proc/" + tid + "/mem", "rw")) {
            long[] range;
            byte[] image;
            Map<String, long[]> symbols;
            if (knownImage != null && sameImage(mem, base, knownImage)) {
                range = new long[] {base, base + knownImage.length};
                image = knownImage;
                symbols = knownSymbols;
            } else {
                range = vdsoRange(tid);
                if (range == null) return false;
                image = new byte[(int) (range[1] - range[0])];
                mem.seek(range[0]);
                mem.readFully(image);
                symbols = functionSymbols(image);
                if (range[0] == base) {
                    knownImage = image;
                    knownSymbols = symbols;
                }
            }
            long[] clockGettime = symbols.get("__vdso_clock_gettime");
            if (clockGettime == null) return false;
            // Check that every stub fits before changing anything.
            Map<String, byte[]> code = stubs.forPage(0x7fff_ffff_f000L);
            for (var e : code.entrySet()) {
                long[] sym = symbols.get(e.getKey());
                if (sym != null && e.getValue().length > sym[1]) return false;
            }
            long trapAt = range[0] + clockGettime[0];
            long page = mapShared(mem, trapAt, clockGettime[1], injector);
            boolean isShared = page > 0;
            if (!isShared) {
                mem.seek(trapAt);
                mem.write(stubs.syscallThenTrap(Syscall.MMAP));
                page = injector.inject(trapAt, 0, PAGE_SIZE, PROT_READ_WRITE, MAP_PRIVATE_ANONYMOUS, -1, 0);
            }
            if (page < 0 || page % PAGE_SIZE != 0) {
                mem.seek(trapAt);
                mem.write(image, (int) clockGettime[0], (int) Math.min(clockGettime[1], PATH_OFFSET + 64)); // as it was
                return false;
            }
            if (!isShared) {
                mem.seek(page);
                mem.write(pageStart(0, 0, 0, 0)); // a limit of 0: every read is a syscall until the process is a reader
            }
            for (var e : stubs.forPage(page).entrySet()) {
                long[] sym = symbols.get(e.getKey());
                if (sym == null) continue; // an older kernel without getrandom, say
                mem.seek(range[0] + sym[0]);
                mem.write(e.getValue());
            }
            if (!isShared) pages.put(tgid, page);
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /**
     * openat, mmap(MAP_SHARED) and close of the shared page, injected at trapAt (the path is written behind the
     * stub, inside clock_gettime, which is overwritten afterwards): the address, or -1 if any step failed.
     */
    private long mapShared(RandomAccessFile mem, long trapAt, long room, SyscallInjector injector) throws IOException {
        if (shared == null || shared.path() == null) return -1;
        byte[] path = (shared.path() + "\0").getBytes(StandardCharsets.US_ASCII);
        if (PATH_OFFSET + path.length > room) return -1;
        mem.seek(trapAt + PATH_OFFSET);
        mem.write(path);
        mem.seek(trapAt);
        mem.write(stubs.syscallThenTrap(Syscall.OPENAT));
        long fd = injector.inject(trapAt, AT_FDCWD, trapAt + PATH_OFFSET, O_RDWR_CLOEXEC, 0);
        if (fd < 0) return -1;
        mem.seek(trapAt);
        mem.write(stubs.syscallThenTrap(Syscall.MMAP));
        long page = injector.inject(trapAt, 0, PAGE_SIZE, PROT_READ_WRITE, MAP_SHARED, fd, 0);
        mem.seek(trapAt);
        mem.write(stubs.syscallThenTrap(Syscall.CLOSE));
        injector.inject(trapAt, fd);
        return page < 0 ? -1 : page;
    }

    /** Process tgid read a clock with a syscall: from its next turn on, its page answers clock reads. */
    public void clockRead(int tgid) {
        if (pages.containsKey(tgid)) readers.add(tgid);
    }

    /**
     * The turn of a thread of process tgid begins: the shared page gets this turn's bases and a fresh count
     * (plain stores), and so does the private page of a reader (a process_vm_writev).
     */
    public void beginTurn(GuestMemory memory, int tid, int tgid) {
        Long page = readers.isEmpty() || !readers.contains(tgid) ? null : pages.get(tgid); // no boxing when all share
        if (shared == null && page == null) return;
        byte[] turn = fill(turnPage, 0, clocks.now(Time.CLOCK_REALTIME) - MINIMUM_OFFSET,
                clocks.now(Time.CLOCK_MONOTONIC) - MINIMUM_OFFSET, READS_PER_TURN);
        if (shared != null) shared.write(turn);
        if (page != null) memory.writeScratch(tid, page, turn);
    }

    /** The page's fields (layout in {@link VdsoStubs}): reads so far, the two bases, the reads allowed, the step. */
    private static byte[] pageStart(long reads, long realtimeBase, long monotonicBase, long limit) {
        return fill(ByteBuffer.allocate(VdsoStubs.PAGE_BYTES).order(ByteOrder.LITTLE_ENDIAN), reads, realtimeBase,
                monotonicBase, limit);
    }

    private static byte[] fill(ByteBuffer page, long reads, long realtimeBase, long monotonicBase, long limit) {
        return page.putLong(VdsoStubs.COUNTER, reads).putLong(VdsoStubs.REALTIME_BASE, realtimeBase)
                .putLong(VdsoStubs.MONOTONIC_BASE, monotonicBase).putLong(VdsoStubs.LIMIT, limit)
                .putLong(VdsoStubs.STEP, STEP_NANOS).array();
    }

    /** A forked child has its parent's page at the same address (its own copy of a private one). */
    void forked(int parentTgid, int childTgid) {
        Long page = pages.get(parentTgid);
        if (page != null) pages.put(childTgid, page);
        if (readers.contains(parentTgid)) readers.add(childTgid);
    }

    void exited(int tgid) {
        pages.remove(tgid);
        readers.remove(tgid);
    }

    /** Whether the bytes at base in mem are image (false if they differ or cannot all be read). */
    private static boolean sameImage(RandomAccessFile mem, long base, byte[] image) {
        byte[] there = new byte[image.length];
        try {
            mem.seek(base);
            mem.readFully(there);
        } catch (IOException e) {
            return false;
        }
        return java.util.Arrays.equals(there, image);
    }

    /** [start, end) of the [vdso] mapping of tid, or null. */
    private static long[] vdsoRange(int tid) {
        dev.detsim.sandbox.os.MemoryMap.Mapping m = dev.detsim.sandbox.os.MemoryMap.named(tid, "[vdso]");
        return m == null ? null : new long[] {m.start(), m.end()};
    }

    /** Function symbols of an ELF64 image (the vDSO): name to {offset, size}. */
    static Map<String, long[]> functionSymbols(byte[] image) {
        ByteBuffer b = ByteBuffer.wrap(image).order(ByteOrder.LITTLE_ENDIAN);
        Map<String, long[]> out = new HashMap<>();
        if (image.length < 64 || b.getInt(0) != 0x464c457f || image[4] != 2) return out; // ELF64 only
        long shoff = b.getLong(0x28);
        int shentsize = Short.toUnsignedInt(b.getShort(0x3a)), shnum = Short.toUnsignedInt(b.getShort(0x3c));
        for (int i = 0; i < shnum; i++) {
            int sh = (int) (shoff + (long) i * shentsize);
            if (b.getInt(sh + 4) != 11) continue; // SHT_DYNSYM
            int symOff = (int) b.getLong(sh + 0x18), symSize = (int) b.getLong(sh + 0x20);
            int strSection = (int) (shoff + (long) b.getInt(sh + 0x28) * shentsize);
            int strOff = (int) b.getLong(strSection + 0x18);
            for (int s = symOff; s + 24 <= symOff + symSize; s += 24) {
                int name = b.getInt(s);
                if (name == 0 || (image[s + 4] & 0xf) != 2) continue; // STT_FUNC
                int end = strOff + name;
                while (end < image.length && image[end] != 0) end++;
                String n = new String(image, strOff + name, end - strOff - name, StandardCharsets.US_ASCII);
                out.put(n, new long[] {b.getLong(s + 8), b.getLong(s + 16)});
            }
        }
        return out;
    }
}
