package dev.detsim.sandbox.tracer;

import dev.detsim.sandbox.arch.Registers;
import dev.detsim.sandbox.syscall.Syscall;

/** A thread stopped at the entry of a syscall some handler subscribed to. */
public final class SyscallStop {
    private final GuestMemory memory;
    Tracee thread;
    Syscall syscall;
    Registers registers;
    /** Set when a handler changed an argument: the registers must be written back before resuming. */
    boolean argumentsChanged;

    SyscallStop(GuestMemory memory) {
        this.memory = memory;
    }

    public int tid() {
        return thread.tid;
    }

    public Syscall syscall() {
        return syscall;
    }

    public long argument(int index) {
        return registers.argument(index);
    }

    /** Changes argument index before the kernel runs the call (for a PASSTHROUGH disposition). */
    public void setArgument(int index, long value) {
        registers.setArgument(index, value);
        argumentsChanged = true;
    }

    /**
     * An address in the thread's stack, below the 128-byte red zone, where a handler may put up to
     * {@code length} bytes for the kernel to read during this call: nothing else in the thread uses that
     * memory until the call returns, and the kernel copies syscall inputs (such as paths) when it starts.
     */
    public long scratch(int length) {
        return (registers.stackPointer() - 128 - length) & ~15L;
    }

    public GuestMemory memory() {
        return memory;
    }
}
