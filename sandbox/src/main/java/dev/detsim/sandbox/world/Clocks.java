package dev.detsim.sandbox.world;

import static dev.detsim.abi.Time.CLOCK_BOOTTIME;
import static dev.detsim.abi.Time.CLOCK_BOOTTIME_ALARM;
import static dev.detsim.abi.Time.CLOCK_MONOTONIC;
import static dev.detsim.abi.Time.CLOCK_MONOTONIC_COARSE;
import static dev.detsim.abi.Time.CLOCK_MONOTONIC_RAW;
import static dev.detsim.abi.Time.CLOCK_REALTIME;
import static dev.detsim.abi.Time.CLOCK_REALTIME_ALARM;
import static dev.detsim.abi.Time.CLOCK_REALTIME_COARSE;
import static dev.detsim.abi.Time.CLOCK_TAI;

import dev.detsim.abi.Time;
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

    private final LongSupplier virtualNow;
    private final long epochNanos;

    public Clocks(LongSupplier virtualNow, long epochSeconds) {
        this.virtualNow = virtualNow;
        this.epochNanos = Math.multiplyExact(epochSeconds, Time.NANOS_PER_SECOND);
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
            case CLOCK_REALTIME, CLOCK_REALTIME_COARSE, CLOCK_REALTIME_ALARM, CLOCK_TAI -> epochNanos;
            case CLOCK_MONOTONIC, CLOCK_MONOTONIC_RAW, CLOCK_MONOTONIC_COARSE, CLOCK_BOOTTIME, CLOCK_BOOTTIME_ALARM ->
                    BOOT_NANOS;
            default -> 0; // CPU-time clocks
        };
    }
}
