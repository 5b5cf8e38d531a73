package dev.detsim.sandbox.syscall;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The syscall table as data (syscalls.tsv): for every syscall its number on each architecture and the
 * kinds of its result and arguments, which the strace-like trace uses to decode them.
 */
public final class SyscallTable {
    private static final String RESOURCE = "/dev/detsim/sandbox/syscall/syscalls.tsv";
    private static final List<String> ARCH_COLUMNS = List.of("x86_64", "aarch64");
    private static volatile SyscallTable instance;

    /** How a syscall's result and arguments print. */
    public record Signature(String returnKind, List<String> argumentKinds) {}

    private final Map<Syscall, int[]> numbers = new EnumMap<>(Syscall.class);
    private final Map<Syscall, Signature> signatures = new EnumMap<>(Syscall.class);

    private SyscallTable(BufferedReader reader) throws IOException {
        int line = 0;
        for (String text; (text = reader.readLine()) != null; ) {
            line++;
            if (text.isBlank() || text.startsWith("#")) continue;
            String[] f = text.split("\t", -1);
            if (f.length < 5) throw new IllegalStateException(RESOURCE + ":" + line + ": expected 5 columns");
            Syscall s = Syscall.valueOf(f[0].trim().toUpperCase(Locale.ROOT));
            numbers.put(s, new int[] {parseNumber(f[1]), parseNumber(f[2])});
            String args = f[4].trim();
            signatures.put(s, new Signature(f[3].trim(),
                    args.isEmpty() || args.equals("-") ? List.of() : List.of(args.split(","))));
        }
        List<Syscall> missing = new ArrayList<>();
        for (Syscall s : Syscall.values()) if (!numbers.containsKey(s)) missing.add(s);
        if (!missing.isEmpty()) throw new IllegalStateException(RESOURCE + " lacks " + missing);
    }

    private static int parseNumber(String field) {
        String t = field.trim();
        return t.equals("-") ? -1 : Integer.parseInt(t);
    }

    public static SyscallTable get() {
        SyscallTable t = instance;
        if (t == null) {
            synchronized (SyscallTable.class) {
                if (instance == null) instance = load();
                t = instance;
            }
        }
        return t;
    }

    private static SyscallTable load() {
        try (var in = SyscallTable.class.getResourceAsStream(RESOURCE)) {
            if (in == null) throw new IllegalStateException(RESOURCE + " missing from the class path");
            return new SyscallTable(new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The number of s in the table's column for archColumn ("x86_64", "aarch64"), or -1. */
    public int number(Syscall s, String archColumn) {
        int column = ARCH_COLUMNS.indexOf(archColumn);
        if (column < 0) throw new IllegalArgumentException("no syscall numbers for " + archColumn);
        return numbers.get(s)[column];
    }

    public Signature signature(Syscall s) {
        return signatures.get(s);
    }
}
