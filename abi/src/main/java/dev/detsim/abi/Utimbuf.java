package dev.detsim.abi;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** struct utimbuf {time_t actime; time_t modtime;}, utime(2)'s: whole seconds. */
public record Utimbuf(long actime, long modtime) {
    public static final int SIZE = 16;
    static final int ACTIME = 0, MODTIME = 8;

    /** The struct at the start of raw, or null where raw (a read of guest memory) is null or short. */
    public static Utimbuf decodeOrNull(byte[] raw) {
        if (raw == null || raw.length < SIZE) return null;
        ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        return new Utimbuf(b.getLong(ACTIME), b.getLong(MODTIME));
    }

    public byte[] encode() {
        return ByteBuffer.allocate(SIZE).order(ByteOrder.LITTLE_ENDIAN).putLong(ACTIME, actime).putLong(MODTIME, modtime)
                .array();
    }
}
