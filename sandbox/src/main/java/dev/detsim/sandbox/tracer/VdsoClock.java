package dev.detsim.sandbox.tracer;

import dev.detsim.sandbox.arch.VdsoStubs;
import dev.detsim.sandbox.syscall.Syscall;
import dev.detsim.sandbox.world.Clocks;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Fast virtual clock reads through the vDSO. At each exec detsim maps one page into the new process (an
 * injected mmap), replaces the vDSO's time functions with {@link VdsoStubs}, and at the start of every turn
 * writes the turn's clock bases into the page of the process about to run. A clock_gettime then costs a few
 * instructions instead of a stop at the tracer, and still reads virtual time:
 *
 * <p>read k (1..{@value #READS_PER_TURN}) of a turn returns {@code origin + now - (READS_PER_TURN + 1 - k) * STEP},
 * where now is the virtual time of the turn. The reads of a turn are therefore increasing, later than any
 * read of an earlier turn (a turn costs 1 µs, more than {@code (READS_PER_TURN + 1) * STEP}) and earlier than
 * a syscall read in the same turn. The read after the last one makes the real syscall: a thread that only
 * reads the clock still reaches a scheduling point every {@value #READS_PER_TURN} reads, as the Go runtime's
 * sysmon needs to see time pass. Everything here depends only on the turn and the count of reads, so it
 * repeats exactly.
 *
 * <p>Writing the page costs a process_vm_writev per turn, so a process pays it only once it reads the clock:
 * its page starts with a limit of 0 reads, so its first clock_gettime is a syscall; from then on (see
 * {@link #clockRead}) its page gets the turn's bases and a limit of {@value #READS_PER_TURN} at each of its
 * turns.
 */
final class VdsoClock {
    static final int READS_PER_TURN = 64;
    static final long STEP_NANOS = 10;
    private static final int PAGE_SIZE = 4096;
    private static final long MINIMUM_OFFSET = (READS_PER_TURN + 1) * STEP_NANOS;

    private final VdsoStubs stubs;
    private final Clocks clocks;
    /** Per process (host tgid): the address of its clock page. */
    private final Map<Integer, Long> pages = new HashMap<>();
    /** Processes that have read the clock: their pages are kept current. */
    private final java.util.Set<Integer> readers = new java.util.HashSet<>();
    private final byte[] turn = new byte[VdsoStubs.STEP];

    VdsoClock(VdsoStubs stubs, Clocks clocks) {
        this.stubs = stubs;
        this.clocks = clocks;
    }

    /** Maps a page in the new process: the injected mmap's result, or a negative errno. */
    interface PageMapper {
        long mapPage(long ip, int bytes);
    }

    /**
     * After an exec of thread tid (process tgid): installs the clock page and the stubs. False if the vDSO
     * could not be patched (then the caller hides it, and clock reads stop at the tracer).
     */
    boolean install(int tid, int tgid, PageMapper mapper) {
        pages.remove(tgid);
        readers.remove(tgid);
        long[] range = vdsoRange(tid);
        if (range == null) return false;
        try (RandomAccessFile mem = new RandomAccessFile("/proc/" + tid + "/mem", "rw")) {
            byte[] image = new byte[(int) (range[1] - range[0])];
            mem.seek(range[0]);
            mem.readFully(image);
            Map<String, long[]> symbols = functionSymbols(image);
            long[] clockGettime = symbols.get("__vdso_clock_gettime");
            if (clockGettime == null) return false;
            // Check that every stub fits before changing anything.
            Map<String, byte[]> code = stubs.forPage(0x7fff_ffff_f000L);
            for (var e : code.entrySet()) {
                long[] sym = symbols.get(e.getKey());
                if (sym != null && e.getValue().length > sym[1]) return false;
            }
            long trapAt = range[0] + clockGettime[0];
            mem.seek(trapAt);
            mem.write(stubs.syscallThenTrap(Syscall.MMAP));
            long page = mapper.mapPage(trapAt, PAGE_SIZE);
            if (page < 0 || page % PAGE_SIZE != 0) {
                mem.seek(trapAt);
                mem.write(image, (int) clockGettime[0], stubs.syscallThenTrap(Syscall.MMAP).length); // as it was
                return false;
            }
            ByteBuffer init = ByteBuffer.allocate(VdsoStubs.PAGE_BYTES).order(ByteOrder.LITTLE_ENDIAN);
            init.putLong(VdsoStubs.LIMIT, 0).putLong(VdsoStubs.STEP, STEP_NANOS);
            mem.seek(page);
            mem.write(init.array()); // a limit of 0: every read is a syscall until the process is a reader
            for (var e : stubs.forPage(page).entrySet()) {
                long[] sym = symbols.get(e.getKey());
                if (sym == null) continue; // an older kernel without getrandom, say
                mem.seek(range[0] + sym[0]);
                mem.write(e.getValue());
            }
            pages.put(tgid, page);
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** Process tgid read a clock with a syscall: from its next turn on, its page answers clock reads. */
    void clockRead(int tgid) {
        if (pages.containsKey(tgid)) readers.add(tgid);
    }

    /** The turn of a thread of process tgid begins: a reader's page gets this turn's bases and a fresh count. */
    void beginTurn(GuestMemory memory, int tid, int tgid) {
        if (!readers.contains(tgid)) return;
        Long page = pages.get(tgid);
        if (page == null) return;
        ByteBuffer b = ByteBuffer.wrap(turn).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(VdsoStubs.COUNTER, 0);
        b.putLong(VdsoStubs.REALTIME_BASE, clocks.now(Clocks.REALTIME) - MINIMUM_OFFSET);
        b.putLong(VdsoStubs.MONOTONIC_BASE, clocks.now(Clocks.MONOTONIC) - MINIMUM_OFFSET);
        b.putLong(VdsoStubs.LIMIT, READS_PER_TURN);
        memory.writeScratch(tid, page, turn);
    }

    /** A forked child has its parent's page at the same address (its own copy of it). */
    void forked(int parentTgid, int childTgid) {
        Long page = pages.get(parentTgid);
        if (page != null) pages.put(childTgid, page);
        if (readers.contains(parentTgid)) readers.add(childTgid);
    }

    void exited(int tgid) {
        pages.remove(tgid);
        readers.remove(tgid);
    }

    /** [start, end) of the [vdso] mapping of tid, or null. */
    private static long[] vdsoRange(int tid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + tid + "/maps"))) {
                if (!line.endsWith("[vdso]")) continue;
                String[] r = line.substring(0, line.indexOf(' ')).split("-");
                return new long[] {Long.parseUnsignedLong(r[0], 16), Long.parseUnsignedLong(r[1], 16)};
            }
        } catch (IOException | RuntimeException e) {
            return null;
        }
        return null;
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
