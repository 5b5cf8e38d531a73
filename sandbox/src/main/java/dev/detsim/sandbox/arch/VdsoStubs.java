package dev.detsim.sandbox.arch;

import static dev.detsim.abi.Errno.ENOSYS;

import dev.detsim.sandbox.syscall.Syscall;
import java.io.ByteArrayOutputStream;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Machine code detsim writes over the vDSO's functions in a traced process (x86_64 only), so that clock reads
 * are fast and still virtual. {@code clock_gettime} for the realtime and monotonic clocks reads a clock page
 * detsim keeps in the process (see {@link #COUNTER} and the other offsets): each read takes the next of
 * {@code limit} steps after the turn's base time; the read after the last step, and every other clock id,
 * makes the real syscall, which stops at detsim (a scheduling point). The other time functions make their
 * syscall at once; {@code getrandom} reports ENOSYS, so libc uses the syscall.
 *
 * <p>The stubs use only rax, rcx, rdx, r8 and r11, which the C calling convention lets a callee clobber (the
 * syscall instruction clobbers rcx and r11 itself), and no stack.
 */
public final class VdsoStubs {
    /** Clock page offsets: reads this turn, realtime and monotonic base (ns), reads allowed, ns per read. */
    public static final int COUNTER = 0, REALTIME_BASE = 8, MONOTONIC_BASE = 16, LIMIT = 24, STEP = 32, PAGE_BYTES = 40;
    /** Clock ids read from the page: REALTIME (0) and REALTIME_COARSE (5); MONOTONIC (1), _COARSE (6), BOOTTIME (7). */
    static final int REALTIME_CLOCKS = 0x21, MONOTONIC_CLOCKS = 0xC2, HIGHEST_PAGE_CLOCK = 7;

    private final Arch arch;

    private VdsoStubs(Arch arch) {
        this.arch = arch;
    }

    /** Stubs for arch, or empty where detsim has none (then the vDSO is hidden instead). */
    public static Optional<VdsoStubs> forArch(Arch arch) {
        return arch.name().equals("x86_64") ? Optional.of(new VdsoStubs(arch)) : Optional.empty();
    }

    /**
     * {@code mov eax, NR(s); syscall; int3}: runs syscall s with the argument registers as they are, then stops
     * the thread (SIGTRAP). The number is in the code because a thread stopped at its exec still has execve to
     * return from, which sets rax.
     */
    public byte[] syscallThenTrap(Syscall s) {
        Code c = new Code();
        c.bytes(0xb8).int32(arch.number(s)).bytes(0x0f, 0x05, 0xcc);
        return c.done();
    }

    /** Sets the registers of a thread stopped at its exec to run {@link #syscallThenTrap} at ip with args. */
    public void prepareSyscallAt(java.lang.foreign.MemorySegment regs, long ip, long... args) {
        regs.set(java.lang.foreign.ValueLayout.JAVA_LONG, X86_64.RIP, ip);
        for (int i = 0; i < args.length; i++) {
            regs.set(java.lang.foreign.ValueLayout.JAVA_LONG, arch.argumentOffset(i), args[i]);
        }
    }

    /** The code for each vDSO function detsim replaces, by symbol name, for a clock page at page. */
    public Map<String, byte[]> forPage(long page) {
        Map<String, byte[]> code = new HashMap<>();
        code.put("__vdso_clock_gettime", clockGettime(page));
        code.put("__vdso_gettimeofday", syscallOnly(Syscall.GETTIMEOFDAY));
        code.put("__vdso_time", syscallOnly(Syscall.TIME));
        code.put("__vdso_clock_getres", syscallOnly(Syscall.CLOCK_GETRES));
        code.put("__vdso_getcpu", syscallOnly(Syscall.GETCPU));
        code.put("__vdso_getrandom", new byte[] {0x48, (byte) 0xc7, (byte) 0xc0, (byte) -ENOSYS, (byte) 0xff, (byte) 0xff,
                (byte) 0xff, (byte) 0xc3}); // mov rax, -ENOSYS; ret
        return code;
    }

    /** mov eax, NR; syscall; ret. */
    private byte[] syscallOnly(Syscall s) {
        Code c = new Code();
        c.bytes(0xb8).int32(arch.number(s)).bytes(0x0f, 0x05, 0xc3);
        return c.done();
    }

    /** clock_gettime(clock: edi, ts: rsi). */
    private byte[] clockGettime(long page) {
        Code c = new Code();
        c.bytes(0x83, 0xff, HIGHEST_PAGE_CLOCK).jump(0x77, "syscall");    // cmp edi, 7; ja syscall (negative ids too)
        c.bytes(0x48, 0x85, 0xf6).jump(0x74, "syscall");                  // test rsi, rsi; jz syscall (the kernel's EFAULT)
        c.bytes(0xb8).int32(REALTIME_CLOCKS);                             // mov eax, realtime clocks
        c.bytes(0x0f, 0xa3, 0xf8);                                        // bt eax, edi
        c.bytes(0x41, 0xb8).int32(REALTIME_BASE);                         // mov r8d, REALTIME_BASE
        c.jump(0x72, "base");                                             // jc base
        c.bytes(0xb8).int32(MONOTONIC_CLOCKS);                            // mov eax, monotonic clocks
        c.bytes(0x0f, 0xa3, 0xf8);                                        // bt eax, edi
        c.jump(0x73, "syscall");                                          // jnc syscall (CPU-time and raw clocks)
        c.bytes(0x41, 0xb8).int32(MONOTONIC_BASE);                        // mov r8d, MONOTONIC_BASE
        c.label("base");
        c.bytes(0x49, 0xbb).int64(page);                                  // movabs r11, page
        c.bytes(0x49, 0x8b, 0x03);                                        // mov rax, [r11]          (reads so far)
        c.bytes(0x49, 0x3b, 0x43, LIMIT).jump(0x73, "syscall");           // cmp rax, [r11+LIMIT]; jae syscall
        c.bytes(0x48, 0xff, 0xc0);                                        // inc rax
        c.bytes(0x49, 0x89, 0x03);                                        // mov [r11], rax
        c.bytes(0x49, 0x0f, 0xaf, 0x43, STEP);                            // imul rax, [r11+STEP]
        c.bytes(0x4b, 0x03, 0x04, 0x03);                                  // add rax, [r11+r8]       (the clock's base)
        c.bytes(0x31, 0xd2);                                              // xor edx, edx
        c.bytes(0xb9).int32(1_000_000_000);                               // mov ecx, 1e9
        c.bytes(0x48, 0xf7, 0xf1);                                        // div rcx                 (rax s, rdx ns)
        c.bytes(0x48, 0x89, 0x06);                                        // mov [rsi], rax
        c.bytes(0x48, 0x89, 0x56, 0x08);                                  // mov [rsi+8], rdx
        c.bytes(0x31, 0xc0, 0xc3);                                        // xor eax, eax; ret
        c.label("syscall");
        c.bytes(0xb8).int32(arch.number(Syscall.CLOCK_GETTIME)).bytes(0x0f, 0x05, 0xc3); // mov eax, NR; syscall; ret
        return c.done();
    }

    /** A few bytes of machine code with forward rel8 jumps to labels. */
    private static final class Code {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private final Map<String, Integer> labels = new HashMap<>();
        private final Map<Integer, String> fixups = new HashMap<>();

        Code bytes(int... bs) {
            for (int b : bs) out.write(b);
            return this;
        }

        Code int32(int v) {
            for (int i = 0; i < 4; i++) out.write(v >>> (8 * i));
            return this;
        }

        Code int64(long v) {
            for (int i = 0; i < 8; i++) out.write((int) (v >>> (8 * i)));
            return this;
        }

        /** A short conditional (or unconditional, 0xeb) jump to label. */
        Code jump(int opcode, String label) {
            out.write(opcode);
            fixups.put(out.size(), label);
            out.write(0);
            return this;
        }

        void label(String name) {
            labels.put(name, out.size());
        }

        byte[] done() {
            byte[] b = out.toByteArray();
            fixups.forEach((at, label) -> {
                int rel = labels.get(label) - (at + 1);
                if (rel < -128 || rel > 127) throw new IllegalStateException("jump to " + label + " too far: " + rel);
                b[at] = (byte) rel;
            });
            return b;
        }
    }
}
