package dev.detsim.sandbox.arch;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.detsim.sandbox.os.Posix;
import dev.detsim.sandbox.os.Ptrace;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * aarch64: struct user_pt_regs {x0..x30, sp, pc, pstate} through PTRACE_GETREGSET(NT_PRSTATUS); the
 * syscall number is in x8 and changes through the NT_ARM_SYSTEM_CALL regset. The numbers and the
 * register mapping are unit-tested on any machine; the ptrace calls can only run on aarch64 hardware.
 */
public final class Aarch64 extends Arch {
    static final Aarch64 INSTANCE = new Aarch64();

    private static final int NT_PRSTATUS = 1;
    private static final int NT_ARM_SYSTEM_CALL = 0x404;
    static final int X0 = 0, X8 = 8 * 8, SP = 31 * 8, PC = 32 * 8, SIZE = 34 * 8;

    private Aarch64() {
        super("aarch64");
    }

    @Override
    public String name() {
        return "aarch64";
    }

    @Override
    public int auditArch() {
        return 0xC00000B7; // AUDIT_ARCH_AARCH64
    }

    @Override
    public int cloneChildTidArgument() {
        return 4;
    }

    @Override
    public boolean followsCall(byte[] b) {
        if (b.length != 8) return false;
        int insn = java.nio.ByteBuffer.wrap(b, 4, 4).order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt();
        return (insn & 0xfc000000) == 0x94000000 || (insn & 0xfffffc1f) == 0xd63f0000; // bl, blr
    }

    @Override
    public int registerBytes() {
        return SIZE;
    }

    @Override
    public int syscallInstructionBytes() {
        return 4;
    }

    @Override
    public byte[] syscallInstruction() {
        return new byte[] {0x01, 0x00, 0x00, (byte) 0xd4}; // svc #0, little-endian
    }

    @Override
    int issuedNumberOffset() {
        return X8;
    }

    @Override
    int syscallNumberOffset() {
        return X8;
    }

    @Override
    int argumentOffset(int index) {
        return X0 + 8 * index;
    }

    @Override
    int returnValueOffset() {
        return X0;
    }

    @Override
    int instructionPointerOffset() {
        return PC;
    }

    @Override
    int stackPointerOffset() {
        return SP;
    }

    @Override
    public long fetch(Posix posix, int tid, MemorySegment regs) {
        return regset(posix, Ptrace.PTRACE_GETREGSET, tid, NT_PRSTATUS, regs);
    }

    @Override
    public long store(Posix posix, int tid, MemorySegment regs) {
        return regset(posix, Ptrace.PTRACE_SETREGSET, tid, NT_PRSTATUS, regs);
    }

    @Override
    public long storeSyscallNumber(Posix posix, int tid, MemorySegment regs, long nr) {
        regs.set(JAVA_LONG, X8, nr);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment number = arena.allocate(JAVA_INT);
            number.set(JAVA_INT, 0, (int) nr);
            long r = regset(posix, Ptrace.PTRACE_SETREGSET, tid, NT_ARM_SYSTEM_CALL, number);
            return r < 0 ? r : store(posix, tid, regs);
        }
    }

    private static long regset(Posix posix, int request, int tid, int type, MemorySegment buffer) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment iov = arena.allocate(16, 8);
            iov.set(JAVA_LONG, 0, buffer.address());
            iov.set(JAVA_LONG, 8, buffer.byteSize());
            return posix.ptrace(request, tid, type, iov.address());
        }
    }
}
