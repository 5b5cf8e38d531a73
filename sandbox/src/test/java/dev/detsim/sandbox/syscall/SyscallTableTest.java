package dev.detsim.sandbox.syscall;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.detsim.sandbox.arch.Arch;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** syscalls.tsv against the Syscall enum, against the C compiler's headers, and against its own vocabulary. */
class SyscallTableTest {
    private static final String RESOURCE = "/dev/detsim/sandbox/syscall/syscalls.tsv";

    static final Set<String> ARGUMENT_KINDS = Set.of("int", "uint", "long", "ulong", "hex", "ptr", "fd", "dirfd",
            "pid", "size", "off", "str", "strv", "oflags", "mode", "atflags", "prot", "mmapflags", "signal",
            "sigset", "clockid", "futexop", "cloneflags", "whence", "ioctlreq", "timespec");
    static final Set<String> RETURN_KINDS = Set.of("int", "long", "off", "fd", "pid", "size", "hex", "none");
    /** Kinds that can hold the length of an inbuf/outbuf. */
    static final Set<String> LENGTH_KINDS = Set.of("size", "int", "uint", "ulong", "long");
    static final Pattern BUFFER = Pattern.compile("(inbuf|outbuf):(\\d+)");

    /** One data line of syscalls.tsv, read independently of SyscallTable. */
    record Row(int line, String name, String x86_64, String aarch64, String returnKind, List<String> args,
               String support, String note) {}

    static List<Row> rows() throws IOException {
        List<Row> rows = new ArrayList<>();
        try (InputStream in = SyscallTableTest.class.getResourceAsStream(RESOURCE)) {
            assertNotNull(in, RESOURCE);
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            int line = 0;
            for (String text; (text = r.readLine()) != null; ) {
                line++;
                if (text.isBlank() || text.startsWith("#")) continue;
                String[] f = text.split("\t", -1);
                assertEquals(7, f.length, "line " + line + " has " + f.length + " columns: " + text);
                List<String> args = f[4].equals("-") ? List.of() : List.of(f[4].split(",", -1));
                rows.add(new Row(line, f[0], f[1], f[2], f[3], args, f[5], f[6]));
            }
        }
        return rows;
    }

    // ---------------------------------------------------------------- enum vs file

    @Test
    void enumOrderEqualsFileOrder() throws IOException {
        List<String> file = rows().stream().map(Row::name).toList();
        List<String> constants = Arrays.stream(Syscall.values()).map(Syscall::kernelName).toList();
        assertEquals(file, constants);
    }

    @Test
    void namesAreUniqueAndSortedByteWise() throws IOException {
        List<String> names = rows().stream().map(Row::name).toList();
        assertEquals(names.size(), new HashSet<>(names).size(), "duplicate rows");
        List<String> sorted = new ArrayList<>(names);
        sorted.sort(null); // String.compareTo is byte order for ASCII
        assertEquals(sorted, names, "the header promises byte order");
    }

    @Test
    void everyConstantHasARowWithItsNumbersAndSignature() throws IOException {
        SyscallTable table = SyscallTable.get();
        Map<String, Row> byName = new LinkedHashMap<>();
        for (Row r : rows()) byName.put(r.name(), r);
        for (Syscall s : Syscall.values()) {
            Row r = byName.get(s.kernelName());
            assertNotNull(r, "no row for " + s);
            assertEquals(number(r.x86_64()), table.number(s, "x86_64"), s.kernelName());
            assertEquals(number(r.aarch64()), table.number(s, "aarch64"), s.kernelName());
            assertEquals(r.returnKind(), table.signature(s).returnKind(), s.kernelName());
            assertEquals(r.args(), table.signature(s).argumentKinds(), s.kernelName());
            assertTrue(r.x86_64().equals("-") || r.x86_64().matches("\\d+"), r.toString());
            assertTrue(r.aarch64().equals("-") || r.aarch64().matches("\\d+"), r.toString());
            assertFalse(r.x86_64().equals("-") && r.aarch64().equals("-"), s + " exists on neither arch");
        }
        assertThrows(IllegalArgumentException.class, () -> table.number(Syscall.READ, "riscv64"));
    }

    @Test
    void numbersAreUniquePerArch() throws IOException {
        for (int column = 0; column < 2; column++) {
            Map<String, String> seen = new LinkedHashMap<>();
            for (Row r : rows()) {
                String nr = column == 0 ? r.x86_64() : r.aarch64();
                if (nr.equals("-")) continue;
                String other = seen.put(nr, r.name());
                if (other != null) fail((column == 0 ? "x86_64" : "aarch64") + " #" + nr + ": " + other + " and " + r.name());
            }
        }
    }

    // ---------------------------------------------------------------- x86_64 column vs the C headers

    @Test
    void x86_64ColumnMatchesTheCompiler(@TempDir Path tmp) throws Exception {
        Assumptions.assumeTrue(Arch.current().name().equals("x86_64"), "the host headers are x86_64's only on x86_64");
        Path gcc = onPath("gcc");
        Assumptions.assumeTrue(gcc != null, "gcc is not installed");
        Path source = findUp(Path.of("tools", "check_syscall_numbers.c"));
        assertNotNull(source, "tools/check_syscall_numbers.c not found above " + Path.of("").toAbsolutePath());

        Path exe = tmp.resolve("check_syscall_numbers");
        run(List.of(gcc.toString(), "-O0", "-o", exe.toString(), source.toString()), tmp);
        String out = run(List.of(exe.toString()), tmp);

        Map<String, Integer> compiler = new LinkedHashMap<>();
        for (String line : out.split("\n")) {
            if (line.isBlank()) continue;
            String[] f = line.split(" ");
            assertEquals(2, f.length, "bad line: " + line);
            assertTrue(compiler.put(f[0], Integer.parseInt(f[1])) == null, "twice: " + f[0]);
        }
        SyscallTable table = SyscallTable.get();
        Map<String, Syscall> byName = new LinkedHashMap<>();
        for (Syscall s : Syscall.values()) byName.put(s.kernelName(), s);
        for (var e : compiler.entrySet()) {
            Syscall s = byName.get(e.getKey());
            assertNotNull(s, "the compiler knows " + e.getKey() + " but the table does not");
            assertEquals(e.getValue(), table.number(s, "x86_64"), "x86_64 number of " + e.getKey());
        }
        List<String> tableOrder = new ArrayList<>();
        for (Syscall s : Syscall.values()) {
            if (table.number(s, "x86_64") >= 0) {
                tableOrder.add(s.kernelName());
                assertTrue(compiler.containsKey(s.kernelName()), "<asm/unistd.h> has no __NR_" + s.kernelName());
            }
        }
        assertEquals(tableOrder, List.copyOf(compiler.keySet()), "the program prints in syscalls.tsv order");
        assertTrue(compiler.size() > 300, "only " + compiler.size() + " lines");
    }

    // ---------------------------------------------------------------- kinds

    @Test
    void everyKindBelongsToTheVocabulary() throws IOException {
        List<String> problems = new ArrayList<>();
        for (Row r : rows()) {
            if (!RETURN_KINDS.contains(r.returnKind())) problems.add(r.name() + ": return kind " + r.returnKind());
            if (r.args().size() > 6) problems.add(r.name() + ": " + r.args().size() + " arguments");
            for (int i = 0; i < r.args().size(); i++) {
                String k = r.args().get(i);
                Matcher m = BUFFER.matcher(k);
                if (m.matches()) {
                    int n = Integer.parseInt(m.group(2));
                    if (n == i || n >= r.args().size()) {
                        problems.add(r.name() + ": argument " + i + " " + k + " names no other argument");
                    } else if (!LENGTH_KINDS.contains(r.args().get(n))) {
                        problems.add(r.name() + ": " + k + " points at a " + r.args().get(n) + ", not a length");
                    }
                } else if (!ARGUMENT_KINDS.contains(k)) {
                    problems.add(r.name() + ": argument " + i + " kind '" + k + "'");
                }
            }
        }
        assertEquals(List.of(), problems);
    }

    @Test
    void callsThatDoNotReturnAreNone() throws IOException {
        Map<String, String> returns = new LinkedHashMap<>();
        for (Row r : rows()) returns.put(r.name(), r.returnKind());
        assertEquals("none", returns.get("exit"));
        assertEquals("none", returns.get("exit_group"));
        assertEquals("none", returns.get("rt_sigreturn"));
        assertEquals("fd", returns.get("openat"));
        assertEquals("size", returns.get("read"));
        assertEquals(List.of("dirfd", "str", "oflags", "mode"), SyscallTable.get().signature(Syscall.OPENAT).argumentKinds());
        assertEquals(List.of(), SyscallTable.get().signature(Syscall.GETPID).argumentKinds());
    }

    // ---------------------------------------------------------------- support and note

    static final Set<String> SUPPORT_LEVELS = Set.of("full", "partial", "passthrough", "refused");

    @Test
    void supportLevelsAndNotesAreWellFormed() throws IOException {
        SyscallTable table = SyscallTable.get();
        List<String> problems = new ArrayList<>();
        for (Row r : rows()) {
            if (!SUPPORT_LEVELS.contains(r.support())) problems.add(r.name() + ": support '" + r.support() + "'");
            if (r.note().isBlank() || !r.note().equals(r.note().strip())) problems.add(r.name() + ": note '" + r.note() + "'");
            if (!r.support().equals("passthrough") && r.note().equals("-")) problems.add(r.name() + ": " + r.support() + " without a note");
            Syscall s = Syscall.valueOf(r.name().toUpperCase(java.util.Locale.ROOT));
            assertEquals(r.support(), table.support(s).label(), r.name());
            assertEquals(r.note().equals("-") ? "" : r.note(), table.note(s), r.name());
        }
        assertEquals(List.of(), problems);
    }

    /**
     * The standard chain against the table: whatever stops (the tracer's own, a handler's) is full, partial or
     * refused; a passthrough row names no handler; a refused call is answered by someone, so it stops.
     */
    @Test
    void everyTracedSyscallIsHandledAndNoPassthroughRowIsTraced() {
        SyscallTable table = SyscallTable.get();
        Map<Syscall, List<String>> order = dev.detsim.sandbox.Sandbox.dispatchOrder();
        assertTrue(order.size() > 50, "only " + order.size() + " traced syscalls: " + order.keySet());
        List<String> problems = new ArrayList<>();
        for (Syscall s : Syscall.values()) {
            SyscallTable.Support support = table.support(s);
            boolean traced = order.containsKey(s);
            if (traced && support == SyscallTable.Support.PASSTHROUGH) {
                problems.add(s.kernelName() + " is passthrough but stops for " + order.get(s));
            }
            // (full or partial without a stop is fine: the data writes are learnt from an inotify watch)
            if (!traced && support == SyscallTable.Support.REFUSED) {
                problems.add(s.kernelName() + " is refused but nothing subscribes to it");
            }
        }
        assertEquals(List.of(), problems);
        // LIMITS.md's leaks, spot-checked.
        assertEquals(SyscallTable.Support.REFUSED, table.support(Syscall.IO_URING_SETUP));
        assertTrue(table.note(Syscall.IO_URING_SETUP).contains("ENOSYS"));
        assertEquals(SyscallTable.Support.REFUSED, table.support(Syscall.FUTEX_WAITV));
        assertEquals(SyscallTable.Support.PARTIAL, table.support(Syscall.FUTEX));
        assertEquals(SyscallTable.Support.FULL, table.support(Syscall.GETRANDOM));
        assertTrue(table.note(Syscall.OPENAT).contains("/proc/sys/kernel/random/uuid"));
    }

    // ---------------------------------------------------------------- helpers

    private static int number(String field) {
        return field.equals("-") ? -1 : Integer.parseInt(field);
    }

    private static Path onPath(String program) {
        String path = System.getenv("PATH");
        if (path == null) return null;
        for (String dir : path.split(File.pathSeparator)) {
            Path p = Path.of(dir.isEmpty() ? "." : dir, program);
            if (Files.isExecutable(p)) return p;
        }
        return null;
    }

    private static Path findUp(Path relative) {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path p = dir.resolve(relative);
            if (Files.isRegularFile(p)) return p;
        }
        return null;
    }

    private static String run(List<String> command, Path dir) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "timed out: " + command);
        String text = new String(out, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), command + " failed:\n" + text);
        return text;
    }
}
