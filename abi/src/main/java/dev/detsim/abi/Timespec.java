package dev.detsim.abi;

import static dev.detsim.abi.Time.NANOS_PER_SECOND;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** struct timespec on a 64-bit Linux: {time_t tv_sec; long tv_nsec;}, both 8 bytes. */
public record Timespec(long seconds, long nanos) {
    public static final int SIZE = 16;
    static final int TV_SEC = 0, TV_NSEC = 8;
    /** tv_nsec values utimensat reads as "now" and "leave unchanged". */
    public static final long UTIME_NOW = (1L << 30) - 1, UTIME_OMIT = (1L << 30) - 2;
    public static final Timespec ZERO = new Timespec(0, 0);

    /** The timespec of a count of nanoseconds (negative ones too: seconds round down, nanos stay in 0..1e9). */
    public static Timespec ofNanos(long nanos) {
        return new Timespec(Math.floorDiv(nanos, NANOS_PER_SECOND), Math.floorMod(nanos, NANOS_PER_SECOND));
    }

    /** The struct at offset of raw (SIZE bytes there). */
    public static Timespec decode(byte[] raw, int offset) {
        ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        return new Timespec(b.getLong(offset + TV_SEC), b.getLong(offset + TV_NSEC));
    }

    /** The struct at the start of raw, or null where raw (a read of guest memory) is null or short. */
    public static Timespec decodeOrNull(byte[] raw) {
        return raw == null || raw.length < SIZE ? null : decode(raw, 0);
    }

    /** The nanoseconds a struct timespec read from guest memory holds, or -1 if it is short or not valid. */
    public static long nanosOf(byte[] raw) {
        Timespec t = decodeOrNull(raw);
        return t == null || !t.valid() ? -1 : t.toNanos();
    }

    public byte[] encode() {
        byte[] out = new byte[SIZE];
        encodeInto(out, 0);
        return out;
    }

    public void encodeInto(byte[] out, int offset) {
        ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN).putLong(offset + TV_SEC, seconds)
                .putLong(offset + TV_NSEC, nanos);
    }

    /** What the kernel accepts as a time or interval: seconds not negative, nanos in 0..999999999. */
    public boolean valid() {
        return seconds >= 0 && nanos >= 0 && nanos < NANOS_PER_SECOND;
    }

    /** The nanoseconds of a {@link #valid} timespec, Long.MAX_VALUE - 1 where they do not fit ("never"). */
    public long toNanos() {
        return seconds > Long.MAX_VALUE / NANOS_PER_SECOND - 1 ? Long.MAX_VALUE - 1 : seconds * NANOS_PER_SECOND + nanos;
    }
}
