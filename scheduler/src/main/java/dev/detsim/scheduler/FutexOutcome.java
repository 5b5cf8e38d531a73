package dev.detsim.scheduler;

/** What a futex operation does to its caller: finishes now with a return value, or parks it. */
public sealed interface FutexOutcome {
    /**
     * The syscall finishes with this return value: a count of waiters (woken, or woken plus requeued)
     * or zero, or a negated errno.
     */
    record Completed(long returnValue) implements FutexOutcome {
        /** The syscall fails with errno (a positive {@link dev.detsim.abi.Errno} value). */
        static Completed error(int errno) {
            return new Completed(-errno);
        }
    }

    /** The caller is now BLOCKED; its result arrives as a {@link WakeUp} when it is next run. */
    record Blocked() implements FutexOutcome {}
}
