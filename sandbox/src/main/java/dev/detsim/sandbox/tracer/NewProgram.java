package dev.detsim.sandbox.tracer;

import dev.detsim.sandbox.api.ExecStop;

/**
 * A thread stopped at the first instruction of the program it exec'd, as {@link ProcessListener}s see it: what
 * handlers see, and what detsim's own preparations need besides (registers, injected syscalls, a refusal).
 */
public interface NewProgram extends ExecStop, SyscallInjector {
    /** Its process's host pid (thread-group id). */
    int tgid();

    long instructionPointer();

    /** Whether the program runs in the foreign ABI (i386 code on x86_64). */
    boolean compatMode();

    /** The program's file, for messages. */
    String path();

    /** Whether the thread died meanwhile (in an injected syscall): there is nothing left to prepare. */
    boolean gone();

    /** Adds " name=value" to the exec event. */
    void note(String name, long value);

    /** detsim cannot run this program as it must: warns "detsim: " + why and kills its process. */
    void refuse(String why);
}
