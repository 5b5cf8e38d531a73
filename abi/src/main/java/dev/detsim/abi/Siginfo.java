package dev.detsim.abi;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * siginfo_t: 128 bytes, {int si_signo; int si_errno; int si_code; ...} then a union by kind of signal. Here the
 * common head and the POSIX timer form (si_code SI_TIMER), the one detsim writes.
 */
public final class Siginfo {
    public static final int SIZE = 128;
    public static final int SI_SIGNO = 0, SI_ERRNO = 4, SI_CODE = 8;
    /** The timer form: the timer's id, its overrun count and the sigevent's value. */
    public static final int SI_TIMERID = 16, SI_OVERRUN = 20, SI_VALUE = 24;
    /** The SIGIO (F_SETSIG) form: the descriptor. */
    public static final int SI_FD = 24;

    private Siginfo() {}

    /** The siginfo of a POSIX timer's expiry: signal, SI_TIMER, the timer id, its overrun and sigval. */
    public static byte[] timer(int signal, int timerId, int overrun, long value) {
        return ByteBuffer.allocate(SIZE).order(ByteOrder.LITTLE_ENDIAN).putInt(SI_SIGNO, signal).putInt(SI_ERRNO, 0)
                .putInt(SI_CODE, Signals.SI_TIMER).putInt(SI_TIMERID, timerId).putInt(SI_OVERRUN, overrun)
                .putLong(SI_VALUE, value).array();
    }
}
