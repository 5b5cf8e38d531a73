package dev.detsim.sandbox.os;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** The mappings of a process as /proc/PID/maps lists them: the one parser of that file. */
public final class MemoryMap {
    private MemoryMap() {}

    /**
     * One line: [start, end), permissions ("r-xp", "rw-s"), offset in the mapped file, and the name ("/usr/bin/x",
     * "[vdso]", "[uprobes-trampoline]", "" for anonymous memory).
     */
    public record Mapping(long start, long end, String permissions, long offset, String name) {
        public boolean contains(long address) {
            return Long.compareUnsigned(address, start) >= 0 && Long.compareUnsigned(address, end) < 0;
        }

        public boolean executable() {
            return permissions.indexOf('x') >= 0;
        }

        /** MAP_SHARED ("s" last in the permissions). */
        public boolean shared() {
            return permissions.length() == 4 && permissions.charAt(3) == 's';
        }
    }

    /** Every mapping of pid (a tid works too), in address order; empty once it is gone. */
    public static List<Mapping> of(int pid) {
        byte[] text = ProcFiles.read("/proc/" + pid + "/maps");
        List<Mapping> out = new ArrayList<>();
        if (text == null) return out;
        for (String line : new String(text, StandardCharsets.UTF_8).split("\n")) {
            String[] f = fields(line.trim()); // start-end perms offset dev inode [name]
            int dash = f[0].indexOf('-');
            if (f.length < 5 || dash < 0) continue;
            try {
                out.add(new Mapping(Long.parseUnsignedLong(f[0].substring(0, dash), 16),
                        Long.parseUnsignedLong(f[0].substring(dash + 1), 16), f[1], Long.parseUnsignedLong(f[2], 16),
                        f.length == 6 ? f[5] : ""));
            } catch (NumberFormatException e) {
                // not a mapping line
            }
        }
        return out;
    }

    /**
     * The line's first five whitespace-separated fields and the rest (the name, which may hold spaces), as
     * {@code split("\\s+", 6)} gives them; by hand, since a regex costs a start-up its compilation and interpretation
     * at every exec.
     */
    static String[] fields(String line) {
        List<String> f = new ArrayList<>(6);
        int i = 0, n = line.length();
        while (i < n) {
            if (f.size() == 5) {
                f.add(line.substring(i));
                break;
            }
            int start = i;
            while (i < n && !isSpace(line.charAt(i))) i++;
            f.add(line.substring(start, i));
            while (i < n && isSpace(line.charAt(i))) i++;
        }
        if (f.isEmpty()) f.add("");
        return f.toArray(new String[0]);
    }

    /** The characters of the regex class {@code \s}. */
    private static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == 0x0B || c == '\f' || c == '\r';
    }

    /** The mapping of pid that holds address, or null. */
    public static Mapping at(int pid, long address) {
        for (Mapping m : of(pid)) if (m.contains(address)) return m;
        return null;
    }

    /** The first mapping of pid with this name, or null. */
    public static Mapping named(int pid, String name) {
        for (Mapping m : of(pid)) if (m.name().equals(name)) return m;
        return null;
    }
}
