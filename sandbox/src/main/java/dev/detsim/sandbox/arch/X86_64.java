package dev.detsim.sandbox.arch;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.detsim.sandbox.os.Posix;
import java.lang.foreign.MemorySegment;

/** x86_64: struct user_regs_struct read with PTRACE_GETREGS; syscall number in orig_rax. */
public final class X86_64 extends Arch {
    static final X86_64 INSTANCE = new X86_64();

    private static final int PTRACE_GETREGS = 12;
    private static final int PTRACE_SETREGS = 13;
    private static final int PTRACE_POKEUSER = 6;

    // Offsets in struct user_regs_struct (sys/user.h); NativeLayoutTest checks them against C.
    static final int R10 = 56, R9 = 64, R8 = 72, RAX = 80, RCX = 88, RDX = 96, RSI = 104, RDI = 112, ORIG_RAX = 120,
            RIP = 128, CS = 136, EFLAGS = 144, RSP = 152, SIZE = 216;
    /** EFLAGS.RF: the instruction at rip raises no instruction breakpoint on its next execution. */
    static final long RESUME_FLAG = 1L << 16;
    /** The code segment of 32-bit (compat mode) code: its syscalls are i386's. */
    private static final long COMPAT_CS = 0x23;
    private static final int[] ARGUMENTS = {RDI, RSI, RDX, R10, R8, R9};

    private X86_64() {
        super("x86_64");
    }

    @Override
    public String name() {
        return "x86_64";
    }

    @Override
    public int auditArch() {
        return 0xC000003E; // AUDIT_ARCH_X86_64
    }

    @Override
    public int foreignAbiBit() {
        return 0x40000000; // __X32_SYSCALL_BIT
    }

    @Override
    public void setTimeStampCounter(MemorySegment regs, long tsc, boolean withAux, long nextIp) {
        regs.set(JAVA_LONG, RAX, tsc & 0xffff_ffffL);
        regs.set(JAVA_LONG, RDX, tsc >>> 32);
        if (withAux) regs.set(JAVA_LONG, RCX, 0);
        regs.set(JAVA_LONG, RIP, nextIp);
    }

    @Override
    public int cloneChildTidArgument() {
        return 3;
    }

    @Override
    public boolean followsCall(byte[] b) {
        if (b.length != 8) return false;
        int modrm2 = b[7] & 0xff, modrm3 = b[6] & 0xff, modrm6 = b[3] & 0xff, modrm7 = b[2] & 0xff;
        return (b[3] & 0xff) == 0xe8 // call rel32
                || (b[6] & 0xff) == 0xff && (modrm2 & 0x38) == 0x10 && ((modrm2 >> 6) == 3 || (modrm2 >> 6) == 0 && (modrm2 & 7) != 4 && (modrm2 & 7) != 5) // call reg, [reg]
                || (b[5] & 0xff) == 0xff && (modrm3 & 0x38) == 0x10 && (modrm3 >> 6) == 1 // call [reg+disp8]
                || (b[2] & 0xff) == 0xff && (modrm6 & 0x38) == 0x10 && ((modrm6 >> 6) == 2 || modrm6 == 0x15) // [reg+disp32], [rip+disp32]
                || (b[1] & 0xff) == 0xff && (modrm7 & 0x38) == 0x10 && (modrm7 >> 6) == 2; // [reg+index+disp32]
    }

    @Override
    public int registerBytes() {
        return SIZE;
    }

    @Override
    public int syscallInstructionBytes() {
        return 2;
    }

    @Override
    public byte[] syscallInstruction() {
        return new byte[] {0x0f, 0x05}; // syscall
    }

    @Override
    int issuedNumberOffset() {
        return RAX;
    }

    @Override
    int syscallNumberOffset() {
        return ORIG_RAX;
    }

    @Override
    int argumentOffset(int index) {
        return ARGUMENTS[index];
    }

    @Override
    int returnValueOffset() {
        return RAX;
    }

    @Override
    int instructionPointerOffset() {
        return RIP;
    }

    @Override
    int stackPointerOffset() {
        return RSP;
    }

    @Override
    public long fetch(Posix posix, int tid, MemorySegment regs) {
        return posix.ptrace(PTRACE_GETREGS, tid, 0, regs.address());
    }

    @Override
    public long store(Posix posix, int tid, MemorySegment regs) {
        return posix.ptrace(PTRACE_SETREGS, tid, 0, regs.address());
    }

    @Override
    public boolean compatMode(MemorySegment regs) {
        return regs.get(JAVA_LONG, CS) == COMPAT_CS;
    }

    /** PTRACE_POKEUSER at the register's offset in struct user (which begins with user_regs_struct). */
    @Override
    public long storeArgument(Posix posix, int tid, int index, long value) {
        return posix.ptrace(PTRACE_POKEUSER, tid, argumentOffset(index), value);
    }

    @Override
    public long storeSyscallNumber(Posix posix, int tid, MemorySegment regs, long nr) {
        regs.set(JAVA_LONG, ORIG_RAX, nr);
        return store(posix, tid, regs);
    }

    @Override
    public long[] userState(MemorySegment regs) {
        long[] words = super.userState(regs);
        words[EFLAGS / 8] &= ~RESUME_FLAG;
        return words;
    }

    @Override
    public int flagsWord() {
        return EFLAGS / 8;
    }

    @Override
    public boolean clearResumeFlag(MemorySegment regs) {
        long flags = regs.get(JAVA_LONG, EFLAGS);
        if ((flags & RESUME_FLAG) == 0) return false;
        regs.set(JAVA_LONG, EFLAGS, flags & ~RESUME_FLAG);
        return true;
    }
}
