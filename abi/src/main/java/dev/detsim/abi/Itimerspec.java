package dev.detsim.abi;

/** struct itimerspec {struct timespec it_interval; struct timespec it_value;}: timer_settime's and timerfd's. */
public record Itimerspec(Timespec interval, Timespec value) {
    public static final int SIZE = 2 * Timespec.SIZE;
    static final int IT_INTERVAL = 0, IT_VALUE = Timespec.SIZE;
    public static final Itimerspec DISARMED = new Itimerspec(Timespec.ZERO, Timespec.ZERO);

    /** The timer's interval and the time left, in nanoseconds. */
    public static Itimerspec ofNanos(long interval, long value) {
        return new Itimerspec(Timespec.ofNanos(interval), Timespec.ofNanos(value));
    }

    /** The struct at the start of raw, or null where raw (a read of guest memory) is null or short. */
    public static Itimerspec decodeOrNull(byte[] raw) {
        if (raw == null || raw.length < SIZE) return null;
        return new Itimerspec(Timespec.decode(raw, IT_INTERVAL), Timespec.decode(raw, IT_VALUE));
    }

    public boolean valid() {
        return interval.valid() && value.valid();
    }

    public byte[] encode() {
        byte[] out = new byte[SIZE];
        interval.encodeInto(out, IT_INTERVAL);
        value.encodeInto(out, IT_VALUE);
        return out;
    }
}
