package dev.detsim.sandbox.tracer.preemption;

import dev.detsim.sandbox.os.Posix;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A digest of the memory around a thread's stack pointer — the spinning function's locals, and x86's red zone
 * below the pointer where a leaf function keeps them — so that replay tells apart passes of a loop that counts
 * in a local variable rather than a register. Memory elsewhere (a global counter) is not covered.
 */
public final class StackDigest {
    /** Bytes below the stack pointer (x86_64's red zone) and from it up. */
    static final int BELOW = 128, ABOVE = 384;
    public static final int BYTES = BELOW + ABOVE;

    private StackDigest() {}

    /** The first 8 bytes of the SHA-256 of thread tid's stack around sp, hex; null if unreadable. buffer: BYTES. */
    public static String of(Posix posix, MemorySegment buffer, int tid, long sp) {
        if (posix.readMemory(tid, sp - BELOW, buffer, BYTES) != BYTES) return null;
        try {
            byte[] sha = MessageDigest.getInstance("SHA-256").digest(buffer.asSlice(0, BYTES).toArray(ValueLayout.JAVA_BYTE));
            return HexFormat.of().formatHex(sha, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
