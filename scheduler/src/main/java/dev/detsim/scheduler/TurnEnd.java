package dev.detsim.scheduler;

/** How the last turn ended; policies use it to decide whether the same thread may go on. */
public enum TurnEnd {
    /** No turn ended since the last decision (the start, or only a clock jump happened). */
    NONE,
    /** The thread stopped at a scheduling point and is still runnable. */
    STOPPED,
    /** sched_yield: it asks to let others go first. */
    YIELDED,
    /** The wall-clock watchdog stopped it (a nondeterministic preemption). */
    PREEMPTED,
    BLOCKED,
    EXITED,
    /** A retried wait still could not finish; this turn costs no virtual time. */
    RETRY_FAILED
}
