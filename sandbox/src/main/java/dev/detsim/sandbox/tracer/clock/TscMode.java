package dev.detsim.sandbox.tracer.clock;

/**
 * A thread's PR_SET_TSC mode as the program set it ({@link TimeStampCounter}): whether its rdtsc faults reach
 * it as SIGSEGV. New threads and processes start with their creator's, as they do with the kernel's flag.
 */
public final class TscMode {
    /** The program asked for PR_SET_TSC(PR_TSC_SIGSEGV). */
    boolean wantsTscFault;

    /** A new thread or process of the thread whose mode is parent's. */
    public void inherit(TscMode parent) {
        wantsTscFault = parent.wantsTscFault;
    }
}
