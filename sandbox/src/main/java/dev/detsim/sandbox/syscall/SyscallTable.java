package dev.detsim.sandbox.syscall;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The syscall table as data (syscalls.tsv): for every syscall its number on each architecture, the
 * kinds of its result and arguments, which the strace-like trace uses to decode them, and what detsim does
 * with it: a {@link Support} level and a one-line note ({@code detsim syscalls}, docs/SYSCALLS.md).
 */
public final class SyscallTable {
    private static final String RESOURCE = "/dev/detsim/sandbox/syscall/syscalls.tsv";
    private static final List<String> ARCH_COLUMNS = List.of("x86_64", "aarch64");
    private static volatile SyscallTable instance;

    /** How a syscall's result and arguments print. */
    public record Signature(String returnKind, List<String> argumentKinds) {}

    /** What detsim does with a syscall (the support column; after gVisor's linux64.go). */
    public enum Support {
        /** Made deterministic entirely by detsim: answered, or run in a way whose result cannot differ. */
        FULL,
        /** Handled, with documented gaps (the note names them). */
        PARTIAL,
        /** Runs in the kernel unchanged: deterministic by nature, or a known leak (the note names it). */
        PASSTHROUGH,
        /** detsim answers an error. */
        REFUSED;

        /** The word in syscalls.tsv: "full", "partial", ... */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }

        static Support parse(String label) {
            return switch (label) {
                case "full" -> FULL;
                case "partial" -> PARTIAL;
                case "passthrough" -> PASSTHROUGH;
                case "refused" -> REFUSED;
                default -> throw new IllegalArgumentException("unknown support level '" + label + "'");
            };
        }
    }

    private final Map<Syscall, int[]> numbers = new EnumMap<>(Syscall.class);
    private final Map<Syscall, Signature> signatures = new EnumMap<>(Syscall.class);
    private final Map<Syscall, Support> support = new EnumMap<>(Syscall.class);
    private final Map<Syscall, String> notes = new EnumMap<>(Syscall.class);

    // Read at every start, in the interpreter: the whole file in one string, and the enum constant by position
    // (table and enum are both in name order) with valueOf only where the two part.
    private SyscallTable(String tsv) {
        Syscall[] all = Syscall.values();
        int line = 0, next = 0;
        for (int start = 0, end; start < tsv.length(); start = end + 1) {
            end = tsv.indexOf('\n', start);
            if (end < 0) end = tsv.length();
            String text = tsv.substring(start, end);
            line++;
            if (text.isBlank() || text.startsWith("#")) continue;
            String[] f = text.split("\t", -1);
            if (f.length != 7) throw new IllegalStateException(RESOURCE + ":" + line + ": expected 7 columns");
            String name = f[0].trim();
            Syscall s = next < all.length && all[next].kernelName().equals(name) ? all[next]
                    : Syscall.valueOf(name.toUpperCase(Locale.ROOT));
            next = s.ordinal() + 1;
            numbers.put(s, new int[] {parseNumber(f[1]), parseNumber(f[2])});
            String args = f[4].trim();
            signatures.put(s, new Signature(f[3].trim(),
                    args.isEmpty() || args.equals("-") ? List.of() : List.of(args.split(","))));
            try {
                support.put(s, Support.parse(f[5].trim()));
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException(RESOURCE + ":" + line + ": " + e.getMessage());
            }
            String note = f[6].trim();
            notes.put(s, note.equals("-") ? "" : note);
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
            return new SyscallTable(new String(in.readAllBytes(), StandardCharsets.UTF_8));
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

    public Support support(Syscall s) {
        return support.get(s);
    }

    /** What detsim does with s and what it does not, in one line; "" when there is nothing to say. */
    public String note(Syscall s) {
        return notes.get(s);
    }
}
