package dev.detsim.abi;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * struct sigevent, timer_create's: {sigval_t sigev_value; int sigev_signo; int sigev_notify; union {int _tid;
 * ...}}, 64 bytes in all. Only the first {@link #USED_BYTES} carry what the signal notifications need.
 *
 * @param value sigev_value, the sigval the signal carries (8 bytes: an int or a pointer)
 * @param signal sigev_signo
 * @param notification sigev_notify: SIGEV_SIGNAL, SIGEV_NONE, SIGEV_THREAD_ID...
 * @param threadId sigev_notify_thread_id, the thread SIGEV_THREAD_ID signals
 */
public record Sigevent(long value, int signal, int notification, int threadId) {
    public static final int SIZE = 64;
    /** The bytes up to and including sigev_notify_thread_id. */
    public static final int USED_BYTES = 20;
    static final int SIGEV_VALUE = 0, SIGEV_SIGNO = 8, SIGEV_NOTIFY = 12, SIGEV_NOTIFY_THREAD_ID = 16;
    /** sigev_notify: send the signal to the process, nothing, start a thread (glibc's), send it to one thread. */
    public static final int SIGEV_SIGNAL = 0, SIGEV_NONE = 1, SIGEV_THREAD = 2, SIGEV_THREAD_ID = 4;

    /** The struct at the start of raw, or null where raw (a read of guest memory) is null or shorter than USED_BYTES. */
    public static Sigevent decodeOrNull(byte[] raw) {
        if (raw == null || raw.length < USED_BYTES) return null;
        ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        return new Sigevent(b.getLong(SIGEV_VALUE), b.getInt(SIGEV_SIGNO), b.getInt(SIGEV_NOTIFY),
                b.getInt(SIGEV_NOTIFY_THREAD_ID));
    }

    /** The whole struct (SIZE bytes, the rest zero). */
    public byte[] encode() {
        return ByteBuffer.allocate(SIZE).order(ByteOrder.LITTLE_ENDIAN).putLong(SIGEV_VALUE, value)
                .putInt(SIGEV_SIGNO, signal).putInt(SIGEV_NOTIFY, notification)
                .putInt(SIGEV_NOTIFY_THREAD_ID, threadId).array();
    }
}
