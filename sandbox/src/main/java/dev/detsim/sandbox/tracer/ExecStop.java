package dev.detsim.sandbox.tracer;

import dev.detsim.sandbox.arch.Registers;
import dev.detsim.scheduler.ProcessId;

/**
 * A thread stopped right after a successful execve, at the first instruction of the new program: its
 * stack holds argc, argv, envp and the auxiliary vector, which handlers may rewrite before it runs.
 */
public final class ExecStop {
    private final GuestMemory memory;
    int tid;
    ProcessId process;
    Registers registers;

    ExecStop(GuestMemory memory) {
        this.memory = memory;
    }

    public int tid() {
        return tid;
    }

    /** The process that exec'd (its virtual number stays; its POSIX timers are gone, its itimers stay). */
    public ProcessId process() {
        return process;
    }

    public long stackPointer() {
        return registers.stackPointer();
    }

    public GuestMemory memory() {
        return memory;
    }
}
