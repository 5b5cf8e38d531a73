package dev.detsim.sandbox.tracer;

import dev.detsim.sandbox.arch.Registers;
import dev.detsim.sandbox.syscall.Syscall;

/** A thread stopped at the entry of a syscall some handler subscribed to. */
public final class SyscallStop {
    private final GuestMemory memory;
    Tracee thread;
    Syscall syscall;
    Registers registers;

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

    public GuestMemory memory() {
        return memory;
    }
}
