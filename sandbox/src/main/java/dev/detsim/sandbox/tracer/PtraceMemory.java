package dev.detsim.sandbox.tracer;

import dev.detsim.sandbox.api.GuestMemory;

import dev.detsim.sandbox.os.Posix;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** A tracee's memory through process_vm_readv and process_vm_writev. Owned by the tracer thread. */
public final class PtraceMemory implements GuestMemory {
    private static final int PAGE = 4096;
    private final Posix posix;
    private final MemorySegment buffer;
    /** struct iovec[] of remote ranges, for {@link #readInts}. */
    private final MemorySegment iovecs;
    private final MemoryWrites writes;
    /** A 4-byte word read ahead at this stop ({@link #remember}), or knownAddress -1. */
    private int knownTid;
    private long knownAddress = -1;
    private int knownValue;

    PtraceMemory(Posix posix, Arena arena, MemoryWrites writes) {
        this.posix = posix;
        this.buffer = arena.allocate(PAGE, 8);
        this.iovecs = arena.allocate(PAGE, 8);
        this.writes = writes;
    }

    /** Up to max bytes at addr of thread tid, fewer where memory ends; null if nothing is readable. */
    @Override
    public byte[] read(int tid, long addr, int max) {
        int len = Math.min(max, PAGE);
        long got = posix.readMemory(tid, addr, buffer, len);
        if (got < 0) {
            // The range may cross into an unmapped page: retry up to the page boundary.
            int toBoundary = (int) (PAGE - (addr & (PAGE - 1)));
            if (toBoundary >= len) return null;
            got = posix.readMemory(tid, addr, buffer, toBoundary);
            if (got < 0) return null;
        }
        return buffer.asSlice(0, got).toArray(ValueLayout.JAVA_BYTE);
    }

    /** The 4-byte word at addr of thread tid (the futex word's size), or {@link #UNREADABLE}; nothing allocated. */
    @Override
    public long readInt(int tid, long addr) {
        if (addr == knownAddress && tid == knownTid) return knownValue;
        if (posix.readMemory(tid, addr, buffer, 4) != 4) return UNREADABLE;
        return buffer.get(ValueLayout.JAVA_INT_UNALIGNED, 0);
    }

    /** The NUL-terminated string at addr (at most max bytes), or null if unreadable. */
    @Override
    public String readCString(int tid, long addr, int max) {
        byte[] bytes = read(tid, addr, max);
        if (bytes == null) return null;
        int end = 0;
        while (end < bytes.length && bytes[end] != 0) end++;
        return new String(Arrays.copyOf(bytes, end), StandardCharsets.UTF_8);
    }

    /** Writes bytes at addr of thread tid (at most a page per call); false if the memory is not writable. */
    @Override
    public boolean write(int tid, long addr, byte[] bytes) {
        boolean ok = writeScratch(tid, addr, bytes);
        if (ok) writes.add(addr, bytes);
        return ok;
    }

    /**
     * Writes bytes the program never sees as data (a redirected path in stack scratch space): they are not
     * part of the event log, since where detsim keeps its stand-in files differs between hosts and runs.
     */
    @Override
    public boolean writeScratch(int tid, long addr, byte[] bytes) {
        forget();
        if (bytes.length > PAGE) throw new IllegalArgumentException("write at most " + PAGE + " bytes at once");
        MemorySegment.copy(bytes, 0, buffer, ValueLayout.JAVA_BYTE, 0, bytes.length);
        return posix.writeMemory(tid, addr, buffer, bytes.length) == bytes.length;
    }

    /**
     * The 4-byte words at addresses[0..n) of thread tid into words[0..n), and whether each could be read into
     * readable: one process_vm_readv for all of them (more only past an unreadable one).
     */
    public void readInts(int tid, long[] addresses, int n, int[] words, boolean[] readable) {
        int done = 0;
        while (done < n) {
            int batch = Math.min(n - done, PAGE / 16);
            for (int i = 0; i < batch; i++) {
                iovecs.set(ValueLayout.JAVA_LONG, 16L * i, addresses[done + i]);
                iovecs.set(ValueLayout.JAVA_LONG, 16L * i + 8, 4);
            }
            long got = posix.readMemoryScattered(tid, iovecs, batch, buffer, 4L * batch);
            int whole = got < 0 ? 0 : (int) (got / 4);
            for (int i = 0; i < whole; i++) {
                words[done + i] = buffer.get(ValueLayout.JAVA_INT, 4L * i);
                readable[done + i] = true;
            }
            done += whole;
            if (whole < batch) { // the next one is unreadable: skip it
                readable[done] = false;
                done++;
            }
        }
    }

    /**
     * The word at addr of thread tid holds value, read with others in one call: {@link #readInt} of it returns
     * the value without a syscall. Valid while no thread runs and nothing is written: the tracer forgets
     * it at every report and every end of a turn.
     */
    public void remember(int tid, long addr, int value) {
        knownTid = tid;
        knownAddress = addr;
        knownValue = value;
    }

    void forget() {
        knownAddress = -1;
    }

    /** The 8-byte word at addr, or empty-handed (null) if unreadable. */
    @Override
    public Long readWord(int tid, long addr) {
        byte[] b = read(tid, addr, 8);
        if (b == null || b.length < 8) return null;
        return MemorySegment.ofArray(b).get(ValueLayout.JAVA_LONG_UNALIGNED, 0);
    }
}
