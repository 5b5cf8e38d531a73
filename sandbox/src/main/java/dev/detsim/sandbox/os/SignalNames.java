package dev.detsim.sandbox.os;

import java.util.Map;

/** Linux signal numbers, names and descriptions (signals.tsv); 32..64 are the real-time signals. */
public final class SignalNames {
    public static final int SIGHUP = 1, SIGINT = 2, SIGQUIT = 3, SIGILL = 4, SIGTRAP = 5, SIGKILL = 9, SIGSEGV = 11,
            SIGTERM = 15, SIGCHLD = 17, SIGCONT = 18, SIGSTOP = 19, SIGTSTP = 20, SIGTTIN = 21, SIGTTOU = 22;

    private static final Map<Integer, String[]> TABLE = NumberedNames.load("/dev/detsim/sandbox/syscall/signals.tsv");

    private SignalNames() {}

    public static String name(int signal) {
        String[] s = TABLE.get(signal);
        if (s != null) return s[0];
        if (signal >= 32 && signal <= 64) return signal == 32 ? "SIGRTMIN" : "SIGRTMIN+" + (signal - 32);
        return "SIG" + signal;
    }

    public static String description(int signal) {
        String[] s = TABLE.get(signal);
        if (s != null) return s[1];
        if (signal >= 32 && signal <= 64) return "Real-time signal " + (signal - 32);
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
