package dev.detsim.scheduler;

/** Where a traced thread stands. Every known thread is in exactly one of these at every moment. */
public enum ThreadState {
    /** The one thread the tracer has resumed (or is about to resume); at most one at a time. */
    RUNNING,
    /** Stopped by ptrace and ready to run when the policy picks it. */
    RUNNABLE,
    /** Parked by detsim on a {@link WaitCondition}, perhaps with a virtual deadline. */
    BLOCKED,
    /** Gone; kept so that late mentions of it are caught as detsim bugs. */
    EXITED
}
