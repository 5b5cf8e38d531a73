package dev.detsim.sandbox.arch;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/** A thread's registers as the syscall machinery sees them: number, six arguments, result. */
public final class Registers {
    private final Arch arch;
    private final MemorySegment raw;

    public Registers(Arch arch, Arena arena) {
        this.arch = arch;
        this.raw = arena.allocate(arch.registerBytes(), 8);
    }

    public MemorySegment raw() {
        return raw;
    }

    public long syscallNumber() {
        return raw.get(JAVA_LONG, arch.syscallNumberOffset());
    }

    /** Argument index 0..5 as the kernel sees it (x86_64: rdi rsi rdx r10 r8 r9). */
    public long argument(int index) {
        return raw.get(JAVA_LONG, arch.argumentOffset(index));
    }

    /** Changes argument index 0..5 (the tracer writes the registers back before the call runs). */
    public void setArgument(int index, long value) {
        raw.set(JAVA_LONG, arch.argumentOffset(index), value);
    }

    public long returnValue() {
        return raw.get(JAVA_LONG, arch.returnValueOffset());
    }

    public void setReturnValue(long value) {
        raw.set(JAVA_LONG, arch.returnValueOffset(), value);
    }

    /** The registers rdtsc (rdtscp: withAux) would have left, and the instruction pointer after it. */
    public void setTimeStampCounter(long tsc, boolean withAux, long nextIp) {
        arch.setTimeStampCounter(raw, tsc, withAux, nextIp);
    }

    public long instructionPointer() {
        return raw.get(JAVA_LONG, arch.instructionPointerOffset());
    }

    public long stackPointer() {
        return raw.get(JAVA_LONG, arch.stackPointerOffset());
    }
}
