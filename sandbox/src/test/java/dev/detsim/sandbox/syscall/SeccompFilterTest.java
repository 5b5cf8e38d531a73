package dev.detsim.sandbox.syscall;

import static dev.detsim.sandbox.syscall.SeccompFilter.RET_ALLOW;
import static dev.detsim.sandbox.syscall.SeccompFilter.RET_TRACE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.detsim.sandbox.arch.Arch;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The generated seccomp-bpf program decides what the subscription set says. Every decision is checked
 * twice: with {@link SeccompFilter#evaluate} and with an independent classic-BPF interpreter in this test
 * that runs the bytes of {@link SeccompFilter#toNative} on a real 64-byte struct seccomp_data, so a bug in
 * evaluate cannot hide a bug in the program.
 */
class SeccompFilterTest {
    static final int AUDIT_ARCH_I386 = 0x40000003;
    static final int AUDIT_ARCH_ARM = 0x40000028;
    static final int AUDIT_ARCH_X86_64 = 0xC000003E;
    static final int AUDIT_ARCH_AARCH64 = 0xC00000B7;
    static final int X32_BIT = 0x40000000;
    static final int MAX_INSTRUCTIONS = 4096; // BPF_MAXINSNS

    static final Set<Syscall> SUBSCRIBED =
            EnumSet.of(Syscall.GETPPID, Syscall.OPENAT, Syscall.READ, Syscall.WRITE, Syscall.FUTEX, Syscall.CLONE3);

    static Stream<Arch> arches() {
        return Stream.of(Arch.forName("x86_64"), Arch.forName("aarch64"));
    }

    // ---------------------------------------------------------------- subscription set

    @ParameterizedTest
    @MethodSource("arches")
    void tracesExactlyTheSubscribedSyscalls(Arch arch) {
        SeccompFilter f = SeccompFilter.tracing(arch, SUBSCRIBED);
        BitSet traced = numbers(arch, SUBSCRIBED);
        assertEquals(SUBSCRIBED.size(), traced.cardinality(), "every subscribed syscall exists on " + arch.name());
        for (int nr = 0; nr <= arch.maxNumber() + 64; nr++) {
            assertDecision(f, arch, arch.auditArch(), nr, traced.get(nr) ? RET_TRACE : RET_ALLOW);
        }
    }

    @Test
    void knownNumbersOnX86_64() {
        Arch arch = Arch.forName("x86_64");
        SeccompFilter f = SeccompFilter.tracing(arch, SUBSCRIBED);
        for (int nr : new int[] {110, 257, 0, 1, 202, 435}) assertDecision(f, arch, AUDIT_ARCH_X86_64, nr, RET_TRACE);
        for (int nr : new int[] {2, 3, 39, 56, 59, 109, 111, 201, 203, 256, 258, 434, 436}) {
            assertDecision(f, arch, AUDIT_ARCH_X86_64, nr, RET_ALLOW);
        }
    }

    @Test
    void knownNumbersOnAarch64() {
        Arch arch = Arch.forName("aarch64");
        SeccompFilter f = SeccompFilter.tracing(arch, SUBSCRIBED);
        for (int nr : new int[] {173, 56, 63, 64, 98, 435}) assertDecision(f, arch, AUDIT_ARCH_AARCH64, nr, RET_TRACE);
        for (int nr : new int[] {0, 55, 57, 62, 65, 97, 99, 172, 174, 221, 434, 436}) {
            assertDecision(f, arch, AUDIT_ARCH_AARCH64, nr, RET_ALLOW);
        }
    }

    @ParameterizedTest
    @MethodSource("arches")
    void foreignAuditArchAlwaysTraces(Arch arch) {
        SeccompFilter f = SeccompFilter.tracing(arch, SUBSCRIBED);
        int other = arch.auditArch() == AUDIT_ARCH_X86_64 ? AUDIT_ARCH_AARCH64 : AUDIT_ARCH_X86_64;
        for (int foreign : new int[] {AUDIT_ARCH_I386, AUDIT_ARCH_ARM, other, 0}) {
            // numbers that are allowed natively must still stop under another ABI
            for (int nr : new int[] {0, 1, 3, 39, 172, 200, arch.maxNumber(), 0xffff}) {
                assertDecision(f, arch, foreign, nr, RET_TRACE | SeccompFilter.FOREIGN_ABI);
            }
        }
    }

    @Test
    void x32SyscallsTraceOnX86_64() {
        Arch arch = Arch.forName("x86_64");
        assertEquals(X32_BIT, arch.foreignAbiBit());
        SeccompFilter f = SeccompFilter.tracing(arch, SUBSCRIBED);
        assertDecision(f, arch, AUDIT_ARCH_X86_64, X32_BIT | 1, RET_TRACE); // x32 write
        assertDecision(f, arch, AUDIT_ARCH_X86_64, X32_BIT | 3, RET_TRACE); // x32 close: not subscribed
        assertDecision(f, arch, AUDIT_ARCH_X86_64, X32_BIT | 512, RET_TRACE);
        assertDecision(f, arch, AUDIT_ARCH_X86_64, X32_BIT, RET_TRACE);
        assertDecision(f, arch, AUDIT_ARCH_X86_64, -1, RET_TRACE); // syscall(-1): 0xffffffff >= the x32 bit
        assertDecision(f, arch, AUDIT_ARCH_X86_64, X32_BIT - 1, RET_ALLOW);
        assertDecision(SeccompFilter.tracing(arch, Set.of()), arch, AUDIT_ARCH_X86_64, X32_BIT | 39, RET_TRACE);
    }

    @Test
    void aarch64HasNoX32Check() {
        // aarch64 has no second ABI under AUDIT_ARCH_AARCH64 (compat arm32 arrives as AUDIT_ARCH_ARM): a number
        // with bit 30 set is just an unknown number, which the kernel answers with ENOSYS; the filter allows it
        // unless the subscription set covers it.
        Arch arch = Arch.forName("aarch64");
        assertEquals(0, arch.foreignAbiBit());
        SeccompFilter f = SeccompFilter.tracing(arch, SUBSCRIBED);
        assertDecision(f, arch, AUDIT_ARCH_AARCH64, X32_BIT | 1, RET_ALLOW);
        assertDecision(f, arch, AUDIT_ARCH_AARCH64, X32_BIT | 63, RET_ALLOW);
        assertDecision(f, arch, AUDIT_ARCH_AARCH64, -1, RET_ALLOW);
    }

    // ---------------------------------------------------------------- tracingAll / empty / many ranges

    @ParameterizedTest
    @MethodSource("arches")
    void tracingAllTracesEveryNumber(Arch arch) {
        SeccompFilter f = SeccompFilter.tracingAll(arch);
        assertTrue(f.instructions().size() <= 16, "one range: " + f.instructions().size());
        for (int nr = 0; nr < 1 << 16; nr++) assertDecision(f, arch, arch.auditArch(), nr, RET_TRACE);
        assertDecision(f, arch, AUDIT_ARCH_I386, 0, RET_TRACE | SeccompFilter.FOREIGN_ABI);
        if (arch.foreignAbiBit() != 0) {
            assertDecision(f, arch, arch.auditArch(), arch.foreignAbiBit() | 1, RET_TRACE);
            assertDecision(f, arch, arch.auditArch(), -1, RET_TRACE);
        }
    }

    /** tracingAll stops numbers far beyond the table too (syscall(-1), huge numbers): nothing runs unseen. */
    @ParameterizedTest
    @MethodSource("arches")
    void tracingAllTracesHugeNumbers(Arch arch) {
        SeccompFilter f = SeccompFilter.tracingAll(arch);
        assertDecision(f, arch, arch.auditArch(), 1 << 16, RET_TRACE);
        assertDecision(f, arch, arch.auditArch(), -1, RET_TRACE);
    }

    @ParameterizedTest
    @MethodSource("arches")
    void emptySetAllowsEveryNativeNumber(Arch arch) {
        SeccompFilter f = SeccompFilter.tracing(arch, Set.of());
        for (int nr = 0; nr <= arch.maxNumber() + 64; nr++) assertDecision(f, arch, arch.auditArch(), nr, RET_ALLOW);
        assertDecision(f, arch, AUDIT_ARCH_I386, 1, RET_TRACE | SeccompFilter.FOREIGN_ABI);
    }

    @ParameterizedTest
    @MethodSource("arches")
    void syscallsThatDoNotExistOnTheArchAreIgnored(Arch arch) {
        // open/fork/arch_prctl have no aarch64 number: subscribing to them must not trace some other call
        Set<Syscall> set = EnumSet.of(Syscall.OPEN, Syscall.FORK, Syscall.ARCH_PRCTL, Syscall.GETPPID);
        SeccompFilter f = SeccompFilter.tracing(arch, set);
        BitSet traced = numbers(arch, set);
        for (int nr = 0; nr <= arch.maxNumber(); nr++) {
            assertDecision(f, arch, arch.auditArch(), nr, traced.get(nr) ? RET_TRACE : RET_ALLOW);
        }
    }

    @ParameterizedTest
    @MethodSource("arches")
    void everyOtherSyscallBuildsAndDecidesRight(Arch arch) {
        List<Syscall> existing = new ArrayList<>();
        for (Syscall s : Syscall.values()) if (arch.number(s) >= 0) existing.add(s);
        existing.sort(Comparator.comparingInt(arch::number));
        for (int parity = 0; parity < 2; parity++) {
            Set<Syscall> set = EnumSet.noneOf(Syscall.class);
            for (int i = parity; i < existing.size(); i += 2) set.add(existing.get(i));
            SeccompFilter f = SeccompFilter.tracing(arch, set);
            BitSet traced = numbers(arch, set);
            int runs = runs(traced);
            assertTrue(runs > 100, "expected many ranges, got " + runs);
            assertTrue(f.instructions().size() <= MAX_INSTRUCTIONS, "too long: " + f.instructions().size());
            assertTrue(f.instructions().size() <= 4 * runs + 16,
                    "linear in the number of ranges: " + f.instructions().size() + " for " + runs);
            for (int nr = 0; nr <= arch.maxNumber() + 64; nr++) {
                assertDecision(f, arch, arch.auditArch(), nr, traced.get(nr) ? RET_TRACE : RET_ALLOW);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("arches")
    void everySyscallOfTheTable(Arch arch) {
        SeccompFilter f = SeccompFilter.tracing(arch, EnumSet.allOf(Syscall.class));
        BitSet traced = numbers(arch, EnumSet.allOf(Syscall.class));
        for (int nr = 0; nr <= arch.maxNumber() + 64; nr++) {
            assertDecision(f, arch, arch.auditArch(), nr, traced.get(nr) ? RET_TRACE : RET_ALLOW);
        }
    }

    @ParameterizedTest
    @MethodSource("arches")
    void programIsValidClassicBpf(Arch arch) {
        for (SeccompFilter f : List.of(SeccompFilter.tracing(arch, SUBSCRIBED), SeccompFilter.tracingAll(arch),
                SeccompFilter.tracing(arch, Set.of()), SeccompFilter.tracing(arch, EnumSet.allOf(Syscall.class)))) {
            List<SeccompFilter.Instruction> p = f.instructions();
            // seccomp requires the first instruction to be a load of seccomp_data.arch before any number check
            assertEquals(0x20, p.get(0).code());
            assertEquals(4, p.get(0).k(), "loads seccomp_data.arch");
            assertEquals(0x06, p.get(p.size() - 1).code(), "ends with a return");
            for (int pc = 0; pc < p.size(); pc++) {
                SeccompFilter.Instruction in = p.get(pc);
                if ((in.code() & 0x07) == 0x05) { // BPF_JMP
                    int jt = in.jt() & 0xff, jf = in.jf() & 0xff;
                    assertTrue(pc + 1 + jt < p.size() && pc + 1 + jf < p.size(), "jump out of program at " + pc);
                }
                if (in.code() == 0x20) assertTrue(in.k() == 0 || in.k() == 4, "loads only nr or arch: " + in.k());
            }
        }
    }

    // ---------------------------------------------------------------- toNative

    @ParameterizedTest
    @MethodSource("arches")
    void toNativeEncodesSockFilterStructs(Arch arch) {
        SeccompFilter f = SeccompFilter.tracing(arch, SUBSCRIBED);
        List<SeccompFilter.Instruction> p = f.instructions();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment seg = f.toNative(arena);
            assertEquals(8L * p.size(), seg.byteSize());
            ByteBuffer b = ByteBuffer.wrap(seg.toArray(ValueLayout.JAVA_BYTE)).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < p.size(); i++) {
                SeccompFilter.Instruction in = p.get(i);
                assertEquals(in.code() & 0xffff, b.getShort(8 * i) & 0xffff, "code of " + i);
                assertEquals(in.jt() & 0xff, b.get(8 * i + 2) & 0xff, "jt of " + i);
                assertEquals(in.jf() & 0xff, b.get(8 * i + 3) & 0xff, "jf of " + i);
                assertEquals(in.k(), b.getInt(8 * i + 4), "k of " + i);
            }
            byte[] raw = seg.toArray(ValueLayout.JAVA_BYTE);
            // { BPF_LD|BPF_W|BPF_ABS, 0, 0, offsetof(struct seccomp_data, arch) }
            assertArrayEquals(new byte[] {0x20, 0, 0, 0, 4, 0, 0, 0}, java.util.Arrays.copyOfRange(raw, 0, 8));
            // { BPF_JMP|BPF_JEQ|BPF_K, 1, 0, AUDIT_ARCH_* }
            int a = arch.auditArch();
            assertArrayEquals(new byte[] {0x15, 0, 1, 0, (byte) a, (byte) (a >> 8), (byte) (a >> 16), (byte) (a >> 24)},
                    java.util.Arrays.copyOfRange(raw, 8, 16));
            // { BPF_RET|BPF_K, 0, 0, SECCOMP_RET_TRACE | FOREIGN_ABI }: a foreign ABI's stop is tagged in RET_DATA
            assertArrayEquals(new byte[] {0x06, 0, 0, 0, 1, 0, (byte) 0xf0, 0x7f}, java.util.Arrays.copyOfRange(raw, 16, 24));
        }
    }

    @Test
    void retValuesAreTheKernels() {
        assertEquals(0x7fff0000, RET_ALLOW); // SECCOMP_RET_ALLOW
        assertEquals(0x7ff00000, RET_TRACE); // SECCOMP_RET_TRACE, data 0
    }

    // ---------------------------------------------------------------- helpers

    @Test
    void argumentFiltersStopOnlyTheMatchingCallsOfASyscall() {
        for (Arch arch : List.of(Arch.forName("amd64"), Arch.forName("aarch64"))) {
            var onlyWhen = java.util.Map.of(Syscall.FCNTL, new SeccompFilter.ArgumentFilter(1, Set.of(7, 38)),
                    Syscall.FLOCK, new SeccompFilter.ArgumentFilter(1, Set.of(1, 2)));
            SeccompFilter f = SeccompFilter.tracing(arch, Set.of(Syscall.GETPID, Syscall.READ, Syscall.WRITE), onlyWhen);
            int a = arch.auditArch();
            for (long cmd : new long[] {0, 3, 6, 7, 37, 38, 1030, 7 + (1L << 32)}) {
                long[] args = {5, cmd, 0, 0, 0, 0};
                int expected = (int) cmd == 7 || (int) cmd == 38 ? SeccompFilter.RET_TRACE : SeccompFilter.RET_ALLOW;
                assertEquals(expected, f.evaluate(a, arch.number(Syscall.FCNTL), args), arch.name() + " fcntl cmd " + cmd);
                assertEquals(expected, Bpf.run(f, a, arch.number(Syscall.FCNTL), args), arch.name() + " fcntl cmd " + cmd);
            }
            long[] lockNb = {5, 6, 0, 0, 0, 0}, lockEx = {5, 2, 0, 0, 0, 0};
            assertEquals(SeccompFilter.RET_ALLOW, Bpf.run(f, a, arch.number(Syscall.FLOCK), lockNb));
            assertEquals(SeccompFilter.RET_TRACE, Bpf.run(f, a, arch.number(Syscall.FLOCK), lockEx));
            for (Syscall s : List.of(Syscall.GETPID, Syscall.READ, Syscall.WRITE)) {
                assertEquals(SeccompFilter.RET_TRACE, Bpf.run(f, a, arch.number(s), lockEx), s.name());
            }
            assertEquals(SeccompFilter.RET_ALLOW, Bpf.run(f, a, arch.number(Syscall.GETUID), lockEx));
            // Traced always wins over a filter.
            SeccompFilter both = SeccompFilter.tracing(arch, Set.of(Syscall.FCNTL), onlyWhen);
            assertEquals(SeccompFilter.RET_TRACE, Bpf.run(both, a, arch.number(Syscall.FCNTL), lockNb));
        }
    }

    @Test
    void anExceptFilterStopsEveryValueButItsOwn() {
        Arch arch = Arch.forName("amd64");
        var futexUnlessWake = java.util.Map.of(Syscall.FUTEX, SeccompFilter.ArgumentFilter.except(1, Set.of(129)));
        SeccompFilter f = SeccompFilter.tracing(arch, Set.of(Syscall.GETPID), futexUnlessWake);
        int a = arch.auditArch(), futex = arch.number(Syscall.FUTEX);
        for (long op : new long[] {0, 1, 9, 10, 128, 129, 130, 393, 129 + (1L << 32)}) {
            long[] args = {0x1000, op, 1, 0, 0, 0};
            int expected = (int) op == 129 ? RET_ALLOW : RET_TRACE;
            assertEquals(expected, f.evaluate(a, futex, args), "futex op " + op);
            assertEquals(expected, Bpf.run(f, a, futex, args), "futex op " + op);
        }
        assertEquals(RET_TRACE, Bpf.run(f, a, arch.number(Syscall.GETPID), new long[6]));
        assertEquals(RET_ALLOW, Bpf.run(f, a, arch.number(Syscall.GETUID), new long[6]));
        assertEquals(null, SeccompFilter.ArgumentFilter.except(1, Set.of(129))
                .union(new SeccompFilter.ArgumentFilter(1, Set.of(0))), "an except filter does not merge: always stop");
    }

    @Test
    void theExecFilterLetsFutexWakesRunOnlyFromTheGoSite() {
        Arch arch = Arch.forName("amd64");
        int a = arch.auditArch(), futex = arch.number(Syscall.FUTEX);
        long site = 0x7fff_1234_5678L;
        SeccompFilter f = SeccompFilter.futexWakesExceptAt(arch, futex, 129, site);
        long[] wake = {0xc000_0000L, 129, 1, 0, 0, 0}, wait = {0xc000_0000L, 128, 0, 0, 0, 0};
        long[][] sites = {{site, RET_ALLOW}, {site + 2, RET_TRACE}, {site - (1L << 32), RET_TRACE},
                {site + (1L << 32), RET_TRACE}, {0x401000, RET_TRACE}};
        for (long[] c : sites) {
            assertEquals((int) c[1], f.evaluate(a, futex, wake, c[0]), "wake from 0x" + Long.toHexString(c[0]));
            assertEquals((int) c[1], Bpf.run(f, a, futex, wake, c[0]), "wake from 0x" + Long.toHexString(c[0]));
            // Everything else is the first filter's to decide.
            assertEquals(RET_ALLOW, Bpf.run(f, a, futex, wait, c[0]));
            assertEquals(RET_ALLOW, Bpf.run(f, a, arch.number(Syscall.GETPID), wake, c[0]));
            assertEquals(RET_ALLOW, Bpf.run(f, 0x40000003, futex, wake, c[0]), "i386");
        }
        SeccompFilter none = SeccompFilter.futexWakesExceptAt(arch, futex, 129, 0);
        assertEquals(RET_TRACE, Bpf.run(none, a, futex, wake, 0x401000), "no Go site: every wake stops");
        assertEquals(RET_TRACE, Bpf.run(none, a, futex, wake, 0x7fff_f7e0_0000L));
    }

    private static void assertArrayEquals(byte[] expected, byte[] actual) {
        org.junit.jupiter.api.Assertions.assertArrayEquals(expected, actual);
    }

    private static BitSet numbers(Arch arch, Set<Syscall> set) {
        BitSet b = new BitSet();
        for (Syscall s : set) if (arch.number(s) >= 0) b.set(arch.number(s));
        return b;
    }

    private static int runs(BitSet b) {
        int runs = 0;
        for (int lo = b.nextSetBit(0); lo >= 0; lo = b.nextSetBit(b.nextClearBit(lo))) runs++;
        return runs;
    }

    private static void assertDecision(SeccompFilter f, Arch arch, int auditArch, int nr, int expected) {
        int viaEvaluate = f.evaluate(auditArch, nr);
        if (viaEvaluate != expected) {
            fail(arch.name() + ": evaluate(arch=0x" + Integer.toHexString(auditArch) + ", nr=" + nr + ") = 0x"
                    + Integer.toHexString(viaEvaluate) + ", expected 0x" + Integer.toHexString(expected));
        }
        int viaBytes = Bpf.run(f, auditArch, nr);
        if (viaBytes != expected) {
            fail(arch.name() + ": native program(arch=0x" + Integer.toHexString(auditArch) + ", nr=" + nr + ") = 0x"
                    + Integer.toHexString(viaBytes) + ", expected 0x" + Integer.toHexString(expected));
        }
    }

    /** A small classic-BPF interpreter over struct sock_filter bytes, as the kernel's seccomp runs them. */
    static final class Bpf {
        private static final java.util.Map<SeccompFilter, byte[]> CACHE =
                java.util.Collections.synchronizedMap(new java.util.IdentityHashMap<>());

        static int run(SeccompFilter f, int auditArch, int nr) {
            return run(f, auditArch, nr, new long[6]);
        }

        static int run(SeccompFilter f, int auditArch, int nr, long[] args) {
            return run(f, auditArch, nr, args, 0x401000L);
        }

        static int run(SeccompFilter f, int auditArch, int nr, long[] args, long ip) {
            byte[] code = CACHE.computeIfAbsent(f, k -> {
                try (Arena arena = Arena.ofConfined()) {
                    return k.toNative(arena).toArray(ValueLayout.JAVA_BYTE);
                }
            });
            ByteBuffer prog = ByteBuffer.wrap(code).order(ByteOrder.LITTLE_ENDIAN);
            // struct seccomp_data: int nr; __u32 arch; __u64 instruction_pointer; __u64 args[6];
            ByteBuffer data = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
            data.putInt(0, nr).putInt(4, auditArch).putLong(8, ip);
            for (int i = 0; i < 6; i++) data.putLong(16 + 8 * i, args[i]);
            int n = code.length / 8;
            int acc = 0;
            for (int pc = 0; pc < n; pc++) {
                int op = prog.getShort(8 * pc) & 0xffff;
                int jt = prog.get(8 * pc + 2) & 0xff;
                int jf = prog.get(8 * pc + 3) & 0xff;
                int k = prog.getInt(8 * pc + 4);
                switch (op) {
                    case 0x20 -> { // BPF_LD | BPF_W | BPF_ABS
                        if (k < 0 || k > 60 || (k & 3) != 0) throw new IllegalStateException("bad load offset " + k);
                        acc = data.getInt(k);
                    }
                    case 0x05 -> pc += k; // BPF_JMP | BPF_JA
                    case 0x15 -> pc += acc == k ? jt : jf; // JEQ K
                    case 0x25 -> pc += Integer.compareUnsigned(acc, k) > 0 ? jt : jf; // JGT K
                    case 0x35 -> pc += Integer.compareUnsigned(acc, k) >= 0 ? jt : jf; // JGE K
                    case 0x45 -> pc += (acc & k) != 0 ? jt : jf; // JSET K
                    case 0x06 -> { // BPF_RET | BPF_K
                        return k;
                    }
                    default -> throw new IllegalStateException("opcode 0x" + Integer.toHexString(op) + " at " + pc);
                }
            }
            throw new IllegalStateException("fell off the end of the program");
        }
    }
}
