package dev.detsim.scheduler;

import dev.detsim.abi.Futex;

/**
 * A futex(2) operation, already decoded by the tracer. The tracer reads and compares guest memory (the
 * value checks of WAIT and CMP_REQUEUE, the atomic op of WAKE_OP) and passes the outcome in; the scheduler
 * owns every queue. There is no variant for PI futexes or ops detsim does not know: the tracer answers
 * those with ENOSYS itself, so nothing here can be asked an op it cannot do.
 */
public sealed interface FutexOp {
    /**
     * FUTEX_WAIT (bitset {@link Futex#FUTEX_BITSET_MATCH_ANY}) or FUTEX_WAIT_BITSET.
     *
     * @param valueMatched whether the futex word held the expected value when the tracer read it
     * @param deadline the timeout on the virtual clock, {@link Deadline#NONE} for none
     */
    record Wait(FutexKey key, boolean valueMatched, int bitset, Deadline deadline) implements FutexOp {
        public Wait(FutexKey key, boolean valueMatched, Deadline deadline) {
            this(key, valueMatched, Futex.FUTEX_BITSET_MATCH_ANY, deadline);
        }
    }

    /** FUTEX_WAKE (bitset {@link Futex#FUTEX_BITSET_MATCH_ANY}) or FUTEX_WAKE_BITSET: wake up to count waiters. */
    record Wake(FutexKey key, int count, int bitset) implements FutexOp {
        public Wake(FutexKey key, int count) {
            this(key, count, Futex.FUTEX_BITSET_MATCH_ANY);
        }
    }

    /**
     * FUTEX_REQUEUE and FUTEX_CMP_REQUEUE: wake up to wakeCount waiters on from, then move up to
     * requeueLimit more to to.
     *
     * @param valueMatched always true for REQUEUE; for CMP_REQUEUE, whether *from held the expected value
     */
    record Requeue(FutexKey from, int wakeCount, FutexKey to, int requeueLimit, boolean valueMatched)
            implements FutexOp {
        /** Plain FUTEX_REQUEUE, which has no value check. */
        public Requeue(FutexKey from, int wakeCount, FutexKey to, int requeueLimit) {
            this(from, wakeCount, to, requeueLimit, true);
        }
    }

    /**
     * FUTEX_WAKE_OP, after the tracer applied the atomic op to the word at second: wake up to firstCount
     * on first and, if the op's comparison held, up to secondCount on second.
     */
    record WakeOp(FutexKey first, int firstCount, FutexKey second, int secondCount, boolean comparisonHeld)
            implements FutexOp {}
}
