package dev.detsim.abi;

/** Clock ids (time.h, linux/time.h), and the flags and selectors of the timer calls. The same on x86_64 and aarch64. */
public final class Time {
    public static final int CLOCK_REALTIME = 0, CLOCK_MONOTONIC = 1, CLOCK_PROCESS_CPUTIME_ID = 2,
            CLOCK_THREAD_CPUTIME_ID = 3, CLOCK_MONOTONIC_RAW = 4, CLOCK_REALTIME_COARSE = 5,
            CLOCK_MONOTONIC_COARSE = 6, CLOCK_BOOTTIME = 7, CLOCK_REALTIME_ALARM = 8, CLOCK_BOOTTIME_ALARM = 9,
            CLOCK_TAI = 11;
    /** clock_nanosleep and timer_settime: the time is absolute, not relative. */
    public static final int TIMER_ABSTIME = 1;
    /** setitimer/getitimer's timers. */
    public static final int ITIMER_REAL = 0, ITIMER_VIRTUAL = 1, ITIMER_PROF = 2;
    /** timerfd_settime's flags. */
    public static final int TFD_TIMER_ABSTIME = 1, TFD_TIMER_CANCEL_ON_SET = 2;
    public static final long NANOS_PER_SECOND = 1_000_000_000L;

    private static final String[] CLOCK_NAMES = {"CLOCK_REALTIME", "CLOCK_MONOTONIC", "CLOCK_PROCESS_CPUTIME_ID",
        "CLOCK_THREAD_CPUTIME_ID", "CLOCK_MONOTONIC_RAW", "CLOCK_REALTIME_COARSE", "CLOCK_MONOTONIC_COARSE",
        "CLOCK_BOOTTIME", "CLOCK_REALTIME_ALARM", "CLOCK_BOOTTIME_ALARM", null, "CLOCK_TAI"};

    private Time() {}

    /** Whether Linux knows clock id clock (negative ids name another thread's or process's CPU clock). */
    public static boolean validClock(int clock) {
        return clock < 0 || clock <= CLOCK_TAI && clock != 10;
    }

    /** "CLOCK_MONOTONIC" for 1; null for a number that names no clock (or a CPU clock of a pid). */
    public static String clockName(int clock) {
        return clock >= 0 && clock < CLOCK_NAMES.length ? CLOCK_NAMES[clock] : null;
    }
}
