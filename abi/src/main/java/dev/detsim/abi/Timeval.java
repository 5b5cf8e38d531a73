package dev.detsim.abi;

import static dev.detsim.abi.Time.NANOS_PER_SECOND;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** struct timeval on a 64-bit Linux: {time_t tv_sec; suseconds_t tv_usec;}, both 8 bytes. */
public record Timeval(long seconds, long micros) {
    public static final int SIZE = 16;
    static final int TV_SEC = 0, TV_USEC = 8;
    private static final long MICROS_PER_SECOND = 1_000_000;

    /** The timeval of a count of nanoseconds, truncated to microseconds (seconds round down). */
    public static Timeval ofNanos(long nanos) {
        return new Timeval(Math.floorDiv(nanos, NANOS_PER_SECOND), Math.floorMod(nanos, NANOS_PER_SECOND) / 1000);
    }

    /** The struct at offset of raw (SIZE bytes there). */
    public static Timeval decode(byte[] raw, int offset) {
        ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        return new Timeval(b.getLong(offset + TV_SEC), b.getLong(offset + TV_USEC));
    }

    /** The nanoseconds a struct timeval read from guest memory holds, or -1 if it is short or not valid. */
    public static long nanosOf(byte[] raw) {
        if (raw == null || raw.length < SIZE) return -1;
        Timeval t = decode(raw, 0);
        return t.valid() ? t.toNanos() : -1;
    }

    public byte[] encode() {
        byte[] out = new byte[SIZE];
        encodeInto(out, 0);
        return out;
    }

    public void encodeInto(byte[] out, int offset) {
        ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN).putLong(offset + TV_SEC, seconds)
                .putLong(offset + TV_USEC, micros);
    }

    /** What the kernel accepts: seconds not negative, micros in 0..999999. */
    public boolean valid() {
        return seconds >= 0 && micros >= 0 && micros < MICROS_PER_SECOND;
    }

    /** The nanoseconds of a {@link #valid} timeval, Long.MAX_VALUE - 1 where they do not fit ("never"). */
    public long toNanos() {
        return seconds > Long.MAX_VALUE / NANOS_PER_SECOND - 1 ? Long.MAX_VALUE - 1
                : seconds * NANOS_PER_SECOND + micros * 1000;
    }
}
