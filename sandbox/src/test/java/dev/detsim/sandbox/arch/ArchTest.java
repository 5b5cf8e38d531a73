package dev.detsim.sandbox.arch;

import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.detsim.sandbox.syscall.Syscall;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ArchTest {
    static Stream<Arch> arches() {
        return Stream.of(Arch.forName("x86_64"), Arch.forName("aarch64"));
    }

    // ---------------------------------------------------------------- forName / current

    @Test
    void forNameMapsJavaAndKernelSpellings() {
        assertSame(X86_64.INSTANCE, Arch.forName("amd64"));
        assertSame(X86_64.INSTANCE, Arch.forName("x86_64"));
        assertSame(Aarch64.INSTANCE, Arch.forName("aarch64"));
        assertSame(Aarch64.INSTANCE, Arch.forName("arm64"));
        assertEquals("x86_64", Arch.forName("amd64").name());
        assertEquals("aarch64", Arch.forName("aarch64").name());
    }

    @Test
    void unsupportedArchitectureNamesTheArch() {
        var e = assertThrows(Arch.UnsupportedArchitectureException.class, () -> Arch.forName("riscv64"));
        assertTrue(e.getMessage().contains("riscv64"), e.getMessage());
        var e2 = assertThrows(Arch.UnsupportedArchitectureException.class, () -> Arch.forName("i386"));
        assertTrue(e2.getMessage().contains("i386"), e2.getMessage());
    }

    @Test
    void currentIsThisMachine() {
        String osArch = System.getProperty("os.arch");
        Arch expected = switch (osArch) {
            case "amd64", "x86_64" -> X86_64.INSTANCE;
            case "aarch64" -> Aarch64.INSTANCE;
            default -> null;
        };
        if (expected != null) assertSame(expected, Arch.current());
    }

    @Test
    void auditArchAndRegisterSize() {
        Arch x86 = Arch.forName("x86_64"), arm = Arch.forName("aarch64");
        assertEquals(0xC000003E, x86.auditArch()); // AUDIT_ARCH_X86_64 = EM_X86_64 (62) | 64BIT | LE
        assertEquals(0xC00000B7, arm.auditArch()); // AUDIT_ARCH_AARCH64 = EM_AARCH64 (183) | 64BIT | LE
        assertEquals(0x40000000, x86.foreignAbiBit()); // __X32_SYSCALL_BIT
        assertEquals(0, arm.foreignAbiBit());
        assertEquals(27 * 8, x86.registerBytes()); // struct user_regs_struct: 27 unsigned longs
        assertEquals(34 * 8, arm.registerBytes()); // struct user_pt_regs: x0..x30, sp, pc, pstate
    }

    // ---------------------------------------------------------------- numbers

    @Test
    void knownX86_64Numbers() {
        Arch a = Arch.forName("x86_64");
        Map<Syscall, Integer> known = Map.of(Syscall.READ, 0, Syscall.WRITE, 1, Syscall.OPENAT, 257,
                Syscall.GETPPID, 110, Syscall.CLONE3, 435, Syscall.EXECVE, 59, Syscall.FUTEX, 202,
                Syscall.EXIT_GROUP, 231, Syscall.OPEN, 2, Syscall.FORK, 57);
        known.forEach((s, nr) -> assertEquals(nr, a.number(s), s.kernelName()));
        assertEquals(158, a.number(Syscall.ARCH_PRCTL));
        assertEquals(262, a.number(Syscall.NEWFSTATAT));
    }

    @Test
    void knownAarch64Numbers() {
        Arch a = Arch.forName("aarch64");
        Map<Syscall, Integer> known = Map.of(Syscall.READ, 63, Syscall.WRITE, 64, Syscall.OPENAT, 56,
                Syscall.GETPPID, 173, Syscall.CLONE3, 435, Syscall.EXECVE, 221, Syscall.FUTEX, 98,
                Syscall.EXIT_GROUP, 94, Syscall.IO_SETUP, 0, Syscall.NEWFSTATAT, 79);
        known.forEach((s, nr) -> assertEquals(nr, a.number(s), s.kernelName()));
        for (Syscall s : new Syscall[] {Syscall.OPEN, Syscall.FORK, Syscall.VFORK, Syscall.ARCH_PRCTL,
                Syscall.STAT, Syscall.DUP2, Syscall.PIPE, Syscall.POLL}) {
            assertEquals(-1, a.number(s), s.kernelName() + " does not exist on aarch64");
        }
    }

    @ParameterizedTest
    @MethodSource("arches")
    void numberAndSyscallRoundTrip(Arch a) {
        int defined = 0;
        for (Syscall s : Syscall.values()) {
            int nr = a.number(s);
            if (nr < 0) {
                assertEquals(-1, nr, s.kernelName());
                continue;
            }
            defined++;
            assertSame(s, a.syscall(nr), a.name() + " " + s.kernelName() + "=" + nr);
            assertTrue(nr <= a.maxNumber());
        }
        Map<Integer, Syscall> seen = new HashMap<>();
        int mapped = 0;
        for (int nr = 0; nr <= a.maxNumber(); nr++) {
            Syscall s = a.syscall(nr);
            if (s == null) continue;
            mapped++;
            assertEquals(nr, a.number(s), a.name() + " #" + nr);
            assertNull(seen.put(nr, s));
        }
        assertEquals(defined, mapped, "every defined number maps back, and nothing else does");
        assertNotNull(a.syscall(a.maxNumber()), "maxNumber is a defined number");
        assertTrue(defined > 300, a.name() + " has only " + defined + " syscalls");
    }

    @ParameterizedTest
    @MethodSource("arches")
    void syscallOfUnknownNumbersIsNull(Arch a) {
        assertNull(a.syscall(-1));
        assertNull(a.syscall(a.maxNumber() + 1));
        assertNull(a.syscall(Long.MAX_VALUE));
        assertNull(a.syscall(Long.MIN_VALUE));
        assertNull(a.syscall(0x40000000L | 1)); // x32 write on x86_64: not a native number
        assertNull(a.syscall(1L << 32)); // would alias 0 if truncated to int first
    }

    @Test
    void x86_64HolesAreNotSyscalls() {
        Arch a = Arch.forName("x86_64");
        // 335..423 are unused on x86_64 (the next block starts with pidfd_send_signal = 424)
        for (int nr = 335; nr < 424; nr++) assertNull(a.syscall(nr), "#" + nr);
        assertSame(Syscall.PIDFD_SEND_SIGNAL, a.syscall(424));
    }

    // ---------------------------------------------------------------- registers

    /** x86_64 struct user_regs_struct (sys/user.h). */
    static final int RDI = 112, RSI = 104, RDX = 96, R10 = 56, R8 = 72, R9 = 64, ORIG_RAX = 120, RAX = 80,
            RIP = 128, RSP = 152;

    @Test
    void x86_64RegisterMapping() {
        Arch a = Arch.forName("x86_64");
        try (Arena arena = Arena.ofConfined()) {
            Registers r = new Registers(a, arena);
            MemorySegment raw = r.raw();
            assertEquals(a.registerBytes(), raw.byteSize());
            fillWithSlotMarkers(raw);
            assertEquals(marker(ORIG_RAX), r.syscallNumber());
            int[] args = {RDI, RSI, RDX, R10, R8, R9};
            for (int i = 0; i < 6; i++) assertEquals(marker(args[i]), r.argument(i), "argument " + i);
            assertEquals(marker(RAX), r.returnValue());
            assertEquals(marker(RIP), r.instructionPointer());
            assertEquals(marker(RSP), r.stackPointer());

            raw.set(JAVA_LONG, ORIG_RAX, 257);
            raw.set(JAVA_LONG, RAX, -38); // -ENOSYS: what rax holds at a syscall-entry stop
            assertEquals(257, r.syscallNumber());
            assertEquals(-38, r.returnValue());

            r.setReturnValue(-2);
            assertEquals(-2, raw.get(JAVA_LONG, RAX));
            assertEquals(-2, r.returnValue());
            assertEquals(257, r.syscallNumber(), "the return value is not the number (orig_rax)");
            for (int off = 0; off < raw.byteSize(); off += 8) {
                if (off != RAX && off != ORIG_RAX) assertEquals(marker(off), raw.get(JAVA_LONG, off), "offset " + off);
            }
        }
    }

    @Test
    void x86_64PackagePrivateOffsetsMatchTheKernelStruct() {
        assertEquals(RDI, X86_64.RDI);
        assertEquals(RSI, X86_64.RSI);
        assertEquals(RDX, X86_64.RDX);
        assertEquals(R10, X86_64.R10);
        assertEquals(R8, X86_64.R8);
        assertEquals(R9, X86_64.R9);
        assertEquals(ORIG_RAX, X86_64.ORIG_RAX);
        assertEquals(RAX, X86_64.RAX);
        assertEquals(RIP, X86_64.RIP);
        assertEquals(RSP, X86_64.RSP);
        assertEquals(216, X86_64.SIZE);
    }

    @Test
    void aarch64RegisterMapping() {
        Arch a = Arch.forName("aarch64");
        try (Arena arena = Arena.ofConfined()) {
            Registers r = new Registers(a, arena);
            MemorySegment raw = r.raw();
            assertEquals(a.registerBytes(), raw.byteSize());
            fillWithSlotMarkers(raw);
            assertEquals(marker(8 * 8), r.syscallNumber(), "number in x8");
            for (int i = 0; i < 6; i++) assertEquals(marker(8 * i), r.argument(i), "argument " + i + " in x" + i);
            assertEquals(marker(0), r.returnValue(), "result in x0");
            assertEquals(marker(256), r.instructionPointer(), "pc");
            assertEquals(marker(248), r.stackPointer(), "sp");

            r.setReturnValue(-22);
            assertEquals(-22, raw.get(JAVA_LONG, 0));
            assertEquals(-22, r.argument(0), "x0 is both the first argument and the result");
            assertEquals(marker(64), r.syscallNumber());
            for (int off = 8; off < raw.byteSize(); off += 8) {
                assertEquals(marker(off), raw.get(JAVA_LONG, off), "offset " + off);
            }
        }
        assertEquals(0, Aarch64.X0);
        assertEquals(64, Aarch64.X8);
        assertEquals(248, Aarch64.SP);
        assertEquals(256, Aarch64.PC);
    }

    @ParameterizedTest
    @MethodSource("arches")
    void registersAreFreshlyZeroedAndIndependent(Arch a) {
        try (Arena arena = Arena.ofConfined()) {
            Registers r1 = new Registers(a, arena), r2 = new Registers(a, arena);
            assertEquals(0, r1.syscallNumber());
            r1.setReturnValue(7);
            assertEquals(7, r1.returnValue());
            assertEquals(0, r2.returnValue());
            assertEquals(0, r1.raw().address() % 8, "8-byte aligned for ptrace");
        }
    }

    private static long marker(int offset) {
        return 0x5A5A_0000_0000_0000L | ((long) offset << 16) | 0xBEEF;
    }

    private static void fillWithSlotMarkers(MemorySegment raw) {
        for (int off = 0; off < raw.byteSize(); off += 8) raw.set(JAVA_LONG, off, marker(off));
    }
}
