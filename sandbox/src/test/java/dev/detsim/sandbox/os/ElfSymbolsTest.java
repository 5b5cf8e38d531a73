package dev.detsim.sandbox.os;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ElfSymbols against binutils: every function nm lists (with its size) is named at its first byte and inside, at
 * the file offset readelf's program headers put it — in a program gcc builds here (not position-independent, so
 * addresses and offsets differ) and in the machine's libc (.dynsym only) — and a stripped copy names nothing.
 */
class ElfSymbolsTest {
    private static final Path LIBC = Path.of("/usr/lib/x86_64-linux-gnu/libc.so.6");

    @TempDir
    Path dir;

    private record Symbol(long address, long size, String name) {}

    @Test
    void namesEveryFunctionOfAProgramWithItsSymbolTableAndNoneOnceStripped() throws Exception {
        Path source = dir.resolve("p.c");
        Files.writeString(source, """
                #include <stdio.h>
                __attribute__((noinline)) int twice(int x) { return printf("%d\\n", x) * 2; }
                __attribute__((noinline)) static int thrice(int x) { return twice(x) + printf("%d\\n", x) * 3; }
                int main(int argc, char **argv) { (void)argv; return thrice(argc) + twice(argc); }
                """);
        Path program = dir.resolve("p");
        run("gcc", "-O1", "-g", "-no-pie", "-o", program.toString(), source.toString());
        List<Symbol> functions = functions(program, false);
        Set<String> names = new HashSet<>();
        for (Symbol s : functions) names.add(s.name());
        assertTrue(names.containsAll(Set.of("main", "twice", "thrice")), names.toString());
        checkAll(program, functions);

        Path stripped = dir.resolve("p-stripped");
        run("strip", "-o", stripped.toString(), program.toString());
        for (Symbol s : functions) assertNull(ElfSymbols.functionAt(stripped, fileOffset(stripped, s.address())), s.name());
    }

    @Test
    void namesLibcsExportedFunctionsAndNothingBetweenThem() throws Exception {
        List<Symbol> functions = functions(LIBC, true);
        assertTrue(functions.size() > 1000, "libc's exported functions: " + functions.size());
        checkAll(LIBC, functions);
        assertNull(ElfSymbols.functionAt(LIBC, 0), "the ELF header is no function");
    }

    @Test
    void notElfOrNotThereIsNull() throws IOException {
        Path text = Files.writeString(dir.resolve("t.txt"), "#!/bin/sh\necho not elf, but long enough to have a header of 64 bytes\n");
        assertNull(ElfSymbols.functionAt(text, 8));
        assertNull(ElfSymbols.functionAt(dir.resolve("absent"), 8));
    }

    /** Each function's first byte and a byte inside are named by it (or an alias of the same extent). */
    private static void checkAll(Path file, List<Symbol> functions) throws Exception {
        Map<String, Set<String>> aliases = new HashMap<>(); // address+size -> names
        for (Symbol s : functions) aliases.computeIfAbsent(s.address() + "+" + s.size(), k -> new HashSet<>()).add(s.name());
        int checked = 0;
        for (Symbol s : functions) {
            if (nestedInAnother(s, functions)) continue;
            Set<String> names = aliases.get(s.address() + "+" + s.size());
            long offset = fileOffset(file, s.address());
            String first = ElfSymbols.functionAt(file, offset);
            assertTrue(names.contains(first), s + " at 0x" + Long.toHexString(offset) + ": " + first);
            long inside = s.size() / 2;
            String middle = ElfSymbols.functionAt(file, offset + inside);
            String expected = inside == 0 ? first : first + "+0x" + Long.toHexString(inside);
            assertEquals(expected, middle, s.toString());
            checked++;
        }
        assertTrue(checked >= 3, "checked " + checked);
    }

    /** Whether another function of another extent holds s (then the innermost is named: checked at its own). */
    private static boolean nestedInAnother(Symbol s, List<Symbol> all) {
        for (Symbol o : all) {
            boolean same = o.address() == s.address() && o.size() == s.size();
            if (!same && o.address() < s.address() + s.size() && s.address() < o.address() + o.size()) return true;
        }
        return false;
    }

    /** Functions with a size, as nm lists them (-D: the dynamic table only). */
    private static List<Symbol> functions(Path file, boolean dynamic) throws Exception {
        List<Symbol> out = new ArrayList<>();
        List<String> cmd = new ArrayList<>(List.of("nm", "-S", "--defined-only"));
        if (dynamic) cmd.add("-D");
        cmd.add(file.toString());
        for (String line : run(cmd.toArray(new String[0])).split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length != 4 || !"TtWiI".contains(f[2]) || f[2].length() != 1) continue;
            long size = Long.parseUnsignedLong(f[1], 16);
            if (size == 0) continue;
            int at = f[3].indexOf('@');
            out.add(new Symbol(Long.parseUnsignedLong(f[0], 16), size, at < 0 ? f[3] : f[3].substring(0, at)));
        }
        return out;
    }

    /** The file offset of a virtual address, from readelf's LOAD program headers. */
    private static long fileOffset(Path file, long address) throws Exception {
        for (String line : run("readelf", "-lW", file.toString()).split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length < 6 || !f[0].equals("LOAD")) continue;
            long offset = Long.decode(f[1]), vaddr = Long.decode(f[2]), filesz = Long.decode(f[4]);
            if (address >= vaddr && address < vaddr + filesz) return address - vaddr + offset;
        }
        throw new AssertionError("0x" + Long.toHexString(address) + " is in no LOAD segment of " + file);
    }

    private static String run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), String.join(" ", cmd) + ": " + out);
        return out;
    }
}
