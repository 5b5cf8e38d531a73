package dev.detsim.abi;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * struct open_how, openat2(2)'s argument: {u64 flags; u64 mode; u64 resolve} (linux/openat2.h). Later kernels
 * may accept a longer struct; these are the fields of its first version, which every caller passes.
 */
public record OpenHow(long flags, long mode, long resolve) {
    public static final int SIZE = 24;
    static final int FLAGS = 0, MODE = 8, RESOLVE = 16;

    /** The struct at the start of raw (at least SIZE bytes). */
    public static OpenHow decode(byte[] raw) {
        ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        return new OpenHow(b.getLong(FLAGS), b.getLong(MODE), b.getLong(RESOLVE));
    }

    public byte[] encode() {
        return ByteBuffer.allocate(SIZE).order(ByteOrder.LITTLE_ENDIAN).putLong(FLAGS, flags).putLong(MODE, mode)
                .putLong(RESOLVE, resolve).array();
    }
}
