package dev.detsim.sandbox.world;

import java.util.function.LongSupplier;

/**
 * The program's clocks, all read from one virtual time line (the scheduler's clock, nanoseconds since the
 * run began). CLOCK_REALTIME starts at the epoch (--epoch, default 2000-01-01T00:00:00Z); the monotonic and
 * boot clocks start at {@link #BOOT_NANOS} (the machine has been up 1000 s, as sysinfo and /proc/uptime
 * say). CPU-time clocks of threads and processes read the same line: a thread is never shown to wait.
 */
public final class Clocks {
    public static final long DEFAULT_EPOCH_SECONDS = 946_684_800L; // 2000-01-01T00:00:00Z
    public static final long BOOT_NANOS = 1_000_000_000_000L;
    public static final int REALTIME = 0, MONOTONIC = 1, PROCESS_CPUTIME = 2, THREAD_CPUTIME = 3, MONOTONIC_RAW = 4,
            REALTIME_COARSE = 5, MONOTONIC_COARSE = 6, BOOTTIME = 7, REALTIME_ALARM = 8, BOOTTIME_ALARM = 9, TAI = 11;
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private final LongSupplier virtualNow;
    private final long epochNanos;

    public Clocks(LongSupplier virtualNow, long epochSeconds) {
        this.virtualNow = virtualNow;
        this.epochNanos = Math.multiplyExact(epochSeconds, NANOS_PER_SECOND);
    }

    /** Whether Linux knows clock id (negative ids name another thread's or process's CPU clock). */
    public static boolean valid(int clock) {
        return clock < 0 || clock <= TAI && clock != 10;
    }

    /** Nanoseconds that clock shows now. */
    public long now(int clock) {
        return origin(clock) + virtualNow.getAsLong();
    }

    /** The point on the virtual time line (scheduler nanoseconds) when clock shows absolute. */
    public long toVirtual(int clock, long absolute) {
        return Math.max(0, absolute - origin(clock));
    }

    /** Virtual nanoseconds since the run began. */
    public long virtualNow() {
        return virtualNow.getAsLong();
    }

    private long origin(int clock) {
        return switch (clock) {
            case REALTIME, REALTIME_COARSE, REALTIME_ALARM, TAI -> epochNanos;
            case MONOTONIC, MONOTONIC_RAW, MONOTONIC_COARSE, BOOTTIME, BOOTTIME_ALARM -> BOOT_NANOS;
            default -> 0; // CPU-time clocks
        };
    }

    /** A struct timespec / timeval as 16 little-endian bytes: seconds, then nanos (or micros). */
    public static byte[] timespec(long nanos) {
        return pair(Math.floorDiv(nanos, NANOS_PER_SECOND), Math.floorMod(nanos, NANOS_PER_SECOND));
    }

    public static byte[] timeval(long nanos) {
        return pair(Math.floorDiv(nanos, NANOS_PER_SECOND), Math.floorMod(nanos, NANOS_PER_SECOND) / 1000);
    }

    private static byte[] pair(long a, long b) {
        java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate(16).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        return buf.putLong(a).putLong(b).array();
    }

    /** Nanoseconds of a struct timespec read from guest memory, or -1 if it is not a valid one. */
    public static long timespecNanos(byte[] ts) {
        if (ts == null || ts.length < 16) return -1;
        java.nio.ByteBuffer buf = java.nio.ByteBuffer.wrap(ts).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        long sec = buf.getLong(0), nsec = buf.getLong(8);
        if (sec < 0 || nsec < 0 || nsec >= NANOS_PER_SECOND) return -1;
        return sec > Long.MAX_VALUE / NANOS_PER_SECOND - 1 ? Long.MAX_VALUE - 1 : sec * NANOS_PER_SECOND + nsec;
    }

    /** Nanoseconds of a struct timeval, or -1 if it is not a valid one. */
    public static long timevalNanos(byte[] tv) {
        if (tv == null || tv.length < 16) return -1;
        java.nio.ByteBuffer buf = java.nio.ByteBuffer.wrap(tv).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        long sec = buf.getLong(0), usec = buf.getLong(8);
        if (sec < 0 || usec < 0 || usec >= 1_000_000) return -1;
        return sec > Long.MAX_VALUE / NANOS_PER_SECOND - 1 ? Long.MAX_VALUE - 1 : sec * NANOS_PER_SECOND + usec * 1000;
    }
}
