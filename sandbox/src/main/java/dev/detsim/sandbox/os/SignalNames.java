package dev.detsim.sandbox.os;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/** Linux signal numbers, names and descriptions (signals.tsv); 32..64 are the real-time signals. */
public final class SignalNames {
    public static final int SIGHUP = 1, SIGINT = 2, SIGQUIT = 3, SIGTRAP = 5, SIGKILL = 9, SIGSEGV = 11,
            SIGTERM = 15, SIGCHLD = 17, SIGCONT = 18, SIGSTOP = 19, SIGTSTP = 20, SIGTTIN = 21, SIGTTOU = 22;

    private static final Map<Integer, String[]> TABLE = load();

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

    private static Map<Integer, String[]> load() {
        Map<Integer, String[]> table = new HashMap<>();
        try (var in = SignalNames.class.getResourceAsStream("/dev/detsim/sandbox/syscall/signals.tsv")) {
            if (in == null) throw new IllegalStateException("signals.tsv missing from the class path");
            var reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line; (line = reader.readLine()) != null; ) {
                if (line.isBlank() || line.startsWith("#")) continue;
                String[] f = line.split("\t");
                table.put(Integer.parseInt(f[1].trim()), new String[] {f[0].trim(), f.length > 2 ? f[2].trim() : ""});
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return table;
    }
}
