package dev.detsim.abi;

/** struct itimerval {struct timeval it_interval; struct timeval it_value;}: setitimer's and getitimer's. */
public record Itimerval(Timeval interval, Timeval value) {
    public static final int SIZE = 2 * Timeval.SIZE;
    static final int IT_INTERVAL = 0, IT_VALUE = Timeval.SIZE;

    /** The timer's interval and the time left, in nanoseconds (truncated to microseconds). */
    public static Itimerval ofNanos(long interval, long value) {
        return new Itimerval(Timeval.ofNanos(interval), Timeval.ofNanos(value));
    }

    /** The struct at the start of raw, or null where raw (a read of guest memory) is null or short. */
    public static Itimerval decodeOrNull(byte[] raw) {
        if (raw == null || raw.length < SIZE) return null;
        return new Itimerval(Timeval.decode(raw, IT_INTERVAL), Timeval.decode(raw, IT_VALUE));
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
