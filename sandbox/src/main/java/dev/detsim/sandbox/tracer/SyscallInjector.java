package dev.detsim.sandbox.tracer;

/**
 * Runs, in a thread stopped at its exec, the syscall whose {@link dev.detsim.sandbox.arch.VdsoStubs#syscallThenTrap}
 * stub the caller wrote at ip, with args, and puts the thread's registers back: the syscall's result (-errno on
 * failure). How the vDSO clock maps its page and how the futex filter is added to a new program.
 */
public interface SyscallInjector {
    long inject(long ip, long... args);
}
