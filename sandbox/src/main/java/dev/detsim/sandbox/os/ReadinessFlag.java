package dev.detsim.sandbox.os;

import static dev.detsim.abi.Mman.MAP_POPULATE;
import static dev.detsim.abi.Mman.MAP_SHARED;
import static dev.detsim.abi.Mman.PROT_READ;
import static dev.detsim.abi.Mman.PROT_WRITE;
import static dev.detsim.abi.Poll.POLLIN;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.detsim.abi.Errno;
import dev.detsim.sandbox.syscall.Syscall;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;

/**
 * Whether a descriptor may have become readable, as a flag in memory: a load, where asking the descriptor
 * (a read that fails with EAGAIN, a poll) is a system call. An io_uring of detsim's keeps a multishot poll on
 * the descriptor with deferred task work (IORING_SETUP_DEFER_TASKRUN, TASKRUN_FLAG): when the descriptor gets
 * data, the kernel raises IORING_SQ_TASKRUN in the ring's shared memory at once, in the context of whoever
 * made it readable, and wakes nobody; the completion itself waits until {@link #clear} asks for it. Linux 6.1
 * or later; where io_uring is unavailable or disabled, {@link #open} returns null.
 *
 * <p>Owned by the thread that opened it (SINGLE_ISSUER: only it may submit or collect).
 */
public final class ReadinessFlag implements AutoCloseable {
    private static final int SETUP_TASKRUN_FLAG = 1 << 9, SETUP_SINGLE_ISSUER = 1 << 12, SETUP_DEFER_TASKRUN = 1 << 13;
    private static final int FEAT_SINGLE_MMAP = 1;
    private static final int SQ_TASKRUN = 1 << 2, ENTER_GETEVENTS = 1, CQE_F_MORE = 1 << 1;
    private static final int OP_POLL_ADD = 6, POLL_ADD_MULTI = 1;
    private static final long OFF_SQ_RING = 0, OFF_CQ_RING = 0x8000000L, OFF_SQES = 0x10000000L;
    // struct io_uring_params: sq_off at 40 (head, tail, ring_mask, ring_entries, flags, dropped, array), cq_off at 80
    // (head, tail, ring_mask, ring_entries, overflow, cqes).
    private static final int PARAMS_BYTES = 120, SQ_OFF = 40, CQ_OFF = 80;
    private static final VarHandle INT = JAVA_INT.varHandle();

    private final Posix posix;
    private final int ring;
    private final int watched;
    private final MemorySegment sqRing, cqRing, sqes;
    private final long sqTail, sqFlags, sqArray, sqMask, cqHead, cqTail, cqMask, cqes;

    private ReadinessFlag(Posix posix, int ring, int watched, MemorySegment params, MemorySegment sqRing,
                          MemorySegment cqRing, MemorySegment sqes) {
        this.posix = posix;
        this.ring = ring;
        this.watched = watched;
        this.sqRing = sqRing;
        this.cqRing = cqRing;
        this.sqes = sqes;
        sqTail = params.get(JAVA_INT, SQ_OFF + 4);
        sqMask = sqRing.get(JAVA_INT, params.get(JAVA_INT, SQ_OFF + 8));
        sqFlags = params.get(JAVA_INT, SQ_OFF + 16);
        sqArray = params.get(JAVA_INT, SQ_OFF + 24);
        cqHead = params.get(JAVA_INT, CQ_OFF);
        cqTail = params.get(JAVA_INT, CQ_OFF + 4);
        cqMask = cqRing.get(JAVA_INT, params.get(JAVA_INT, CQ_OFF + 8));
        cqes = params.get(JAVA_INT, CQ_OFF + 20);
    }

    /** A flag for descriptor fd, polled from now on; null where the kernel cannot give one. */
    public static ReadinessFlag open(Posix posix, int fd) {
        Arena arena = Arena.ofAuto();
        MemorySegment params = arena.allocate(PARAMS_BYTES, 8);
        params.set(JAVA_INT, 8, SETUP_SINGLE_ISSUER | SETUP_DEFER_TASKRUN | SETUP_TASKRUN_FLAG);
        long ring = posix.call(Syscall.IO_URING_SETUP, 4, params.address());
        if (ring < 0) return null;
        ReadinessFlag flag = null;
        try {
            int sqEntries = params.get(JAVA_INT, 0), cqEntries = params.get(JAVA_INT, 4);
            long sqBytes = params.get(JAVA_INT, SQ_OFF + 24) + 4L * sqEntries;
            long cqBytes = params.get(JAVA_INT, CQ_OFF + 20) + 16L * cqEntries;
            boolean single = (params.get(JAVA_INT, 20) & FEAT_SINGLE_MMAP) != 0;
            if (single) sqBytes = cqBytes = Math.max(sqBytes, cqBytes);
            MemorySegment sq = map(posix, (int) ring, sqBytes, OFF_SQ_RING);
            MemorySegment cq = single ? sq : map(posix, (int) ring, cqBytes, OFF_CQ_RING);
            MemorySegment sqes = map(posix, (int) ring, 64L * sqEntries, OFF_SQES);
            if (sq == null || cq == null || sqes == null) return null;
            flag = new ReadinessFlag(posix, (int) ring, fd, params, sq, cq, sqes);
            return flag.arm() ? flag : null;
        } finally {
            if (flag == null) posix.close((int) ring); // the mappings stay until exit: a few pages, once
        }
    }

    private static MemorySegment map(Posix posix, int ring, long bytes, long offset) {
        long address = posix.call(Syscall.MMAP, 0, bytes, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, ring, offset);
        return Errno.isError(address) ? null : MemorySegment.ofAddress(address).reinterpret(bytes);
    }

    /** Submits the multishot poll. */
    private boolean arm() {
        int tail = (int) INT.getVolatile(sqRing, sqTail);
        int slot = (int) (tail & sqMask);
        MemorySegment sqe = sqes.asSlice(64L * slot, 64);
        sqe.fill((byte) 0);
        sqe.set(JAVA_BYTE, 0, (byte) OP_POLL_ADD);
        sqe.set(JAVA_INT, 4, watched);
        sqe.set(JAVA_INT, 24, POLL_ADD_MULTI);
        sqe.set(JAVA_INT, 28, POLLIN);
        sqe.set(JAVA_LONG, 32, 1);
        sqRing.set(JAVA_INT, sqArray + 4L * slot, slot);
        INT.setRelease(sqRing, sqTail, tail + 1);
        return posix.call(Syscall.IO_URING_ENTER, ring, 1, 0, 0, 0, 0) == 1;
    }

    /** Whether the descriptor may have become readable since the last {@link #clear}: one load. */
    public boolean raised() {
        return ((int) INT.getVolatile(sqRing, sqFlags) & SQ_TASKRUN) != 0;
    }

    /**
     * Lowers the flag (collects the poll's completions, re-arming it if the kernel ended it). Call before reading
     * the descriptor: data that arrives after this raises the flag again. False if the ring failed: from then on
     * the caller must read at every stop.
     */
    public boolean clear() {
        if (posix.call(Syscall.IO_URING_ENTER, ring, 0, 0, ENTER_GETEVENTS, 0, 0) < 0) return false;
        int head = (int) INT.getVolatile(cqRing, cqHead), tail = (int) INT.getAcquire(cqRing, cqTail);
        boolean ended = false;
        for (int i = head; i != tail; i++) {
            long cqe = cqes + 16L * (i & cqMask);
            if ((cqRing.get(JAVA_INT, cqe + 12) & CQE_F_MORE) == 0) ended = true; // an error or an overflow
        }
        INT.setRelease(cqRing, cqHead, tail);
        return !ended || arm();
    }

    @Override
    public void close() {
        posix.close(ring);
    }
}
