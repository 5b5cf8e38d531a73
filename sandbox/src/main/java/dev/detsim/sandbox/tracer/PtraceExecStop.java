package dev.detsim.sandbox.tracer;

import dev.detsim.sandbox.api.ExecStop;
import dev.detsim.sandbox.api.GuestMemory;

import dev.detsim.sandbox.arch.Registers;
import dev.detsim.scheduler.ProcessId;

/**
 * A thread stopped right after a successful execve, at the first instruction of the new program: its
 * stack holds argc, argv, envp and the auxiliary vector, which handlers may rewrite before it runs.
 */
final class PtraceExecStop implements ExecStop {
    private final GuestMemory memory;
    int tid;
    ProcessId process;
    Registers registers;

    PtraceExecStop(GuestMemory memory) {
        this.memory = memory;
    }

    @Override
    public int tid() {
        return tid;
    }

    /** The process that exec'd (its virtual number stays; its POSIX timers are gone, its itimers stay). */
    @Override
    public ProcessId process() {
        return process;
    }

    @Override
    public long stackPointer() {
        return registers.stackPointer();
    }

    @Override
    public GuestMemory memory() {
        return memory;
    }
}
