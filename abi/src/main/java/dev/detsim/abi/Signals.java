package dev.detsim.abi;

import java.util.Map;

/**
 * Linux signal numbers (the same on x86_64 and aarch64), names and descriptions (signals.tsv), and the
 * siginfo codes detsim writes or reads. 32..64 are the real-time signals.
 */
public final class Signals {
    public static final int SIGHUP = 1, SIGINT = 2, SIGQUIT = 3, SIGILL = 4, SIGTRAP = 5, SIGABRT = 6, SIGBUS = 7,
            SIGFPE = 8, SIGKILL = 9, SIGUSR1 = 10, SIGSEGV = 11, SIGUSR2 = 12, SIGPIPE = 13, SIGALRM = 14,
            SIGTERM = 15, SIGSTKFLT = 16, SIGCHLD = 17, SIGCONT = 18, SIGSTOP = 19, SIGTSTP = 20, SIGTTIN = 21,
            SIGTTOU = 22, SIGURG = 23, SIGXCPU = 24, SIGXFSZ = 25, SIGVTALRM = 26, SIGPROF = 27, SIGWINCH = 28,
            SIGIO = 29, SIGPWR = 30, SIGSYS = 31;
    /** The kernel's first real-time signal (glibc keeps 32 and 33 for itself), and its last: _NSIG. */
    public static final int SIGRTMIN = 32, SIGRTMAX = 64;
    /** Bytes of the kernel's sigset_t (one bit per signal), what rt_sigprocmask and friends take as sigsetsize. */
    public static final int SIGSET_SIZE = 8;

    /** si_code of a POSIX timer's signal. */
    public static final int SI_TIMER = -2;
    /** si_code of a SIGIO for input available (F_SETSIG's signal carries it too). */
    public static final int POLL_IN = 1;

    private static final Map<Integer, String[]> TABLE = NumberedNames.load("/dev/detsim/abi/signals.tsv");

    private Signals() {}

    public static String name(int signal) {
        String[] s = TABLE.get(signal);
        if (s != null) return s[0];
        if (signal == SIGRTMIN) return "SIGRTMIN";
        if (signal > SIGRTMIN && signal <= SIGRTMAX) return "SIGRTMIN+" + (signal - SIGRTMIN);
        return "SIG" + signal;
    }

    public static String description(int signal) {
        String[] s = TABLE.get(signal);
        if (s != null) return s[1];
        if (signal >= SIGRTMIN && signal <= SIGRTMAX) return "Real-time signal " + (signal - SIGRTMIN);
        return "Unknown signal " + signal;
    }

    /** Number for "SIGTERM", "TERM" or "15"; -1 if unknown. */
    public static int parse(String text) {
        String t = text.trim().toUpperCase();
        if (t.matches("\\d{1,2}")) return Integer.parseInt(t);
        if (!t.startsWith("SIG")) t = "SIG" + t;
        for (var e : TABLE.entrySet()) if (e.getValue()[0].equals(t)) return e.getKey();
        return -1;
    }
}
