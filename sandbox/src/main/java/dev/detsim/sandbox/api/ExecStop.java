package dev.detsim.sandbox.api;

import dev.detsim.scheduler.ProcessId;

/**
 * A thread stopped right after a successful execve, at the first instruction of the new program: its
 * stack holds argc, argv, envp and the auxiliary vector, which handlers may rewrite before it runs.
 */
public interface ExecStop {
    int tid();

    /** The process that exec'd (its virtual number stays; its POSIX timers are gone, its itimers stay). */
    ProcessId process();

    long stackPointer();

    GuestMemory memory();
}
