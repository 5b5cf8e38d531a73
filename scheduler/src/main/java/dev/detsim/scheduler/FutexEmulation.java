package dev.detsim.scheduler;

import dev.detsim.abi.Errno;
import dev.detsim.abi.Futex;

/**
 * futex(2) as detsim emulates it over the {@link FutexTable} queues: waits (with their value check, bitset and
 * deadline), wakes, requeues and wake-ops, with the errors Linux gives for bad arguments. The scheduler keeps
 * the turns; this keeps the queues and the waiters' states in step.
 */
final class FutexEmulation {
    private final ThreadRecords records;
    private final FutexTable futexes;

    FutexEmulation(ThreadRecords records) {
        this.records = records;
        this.futexes = records.futexes;
    }

    /**
     * One futex operation of caller r at virtual time now (see {@link Scheduler#futex}). A wait that blocks
     * parks r and returns Blocked; ending r's turn is the scheduler's.
     */
    FutexOutcome apply(ThreadRecord r, FutexOp op, long now) {
        return switch (op) {
            case FutexOp.Wait w -> futexWait(r, w, now);
            case FutexOp.Wake w -> {
                if (w.bitset() == 0 || !w.key().aligned()) yield FutexOutcome.Completed.error(Errno.EINVAL);
                yield new FutexOutcome.Completed(records.wakeAll(futexes.wake(w.key(), w.count(), w.bitset())));
            }
            case FutexOp.Requeue q -> futexRequeue(q);
            case FutexOp.WakeOp o -> {
                if (!o.first().aligned() || !o.second().aligned()) yield FutexOutcome.Completed.error(Errno.EINVAL);
                int woken = records.wakeAll(futexes.wake(o.first(), o.firstCount(), Futex.FUTEX_BITSET_MATCH_ANY));
                if (o.comparisonHeld()) {
                    woken += records.wakeAll(futexes.wake(o.second(), o.secondCount(), Futex.FUTEX_BITSET_MATCH_ANY));
                }
                yield new FutexOutcome.Completed(woken);
            }
        };
    }

    private FutexOutcome futexWait(ThreadRecord r, FutexOp.Wait w, long now) {
        if (r.state != ThreadState.RUNNING) {
            throw ThreadRecords.misuse(r.id + " cannot futex-wait: it is " + r.state + ", not RUNNING");
        }
        if (w.bitset() == 0 || !w.key().aligned()) return FutexOutcome.Completed.error(Errno.EINVAL);
        if (!w.valueMatched()) return FutexOutcome.Completed.error(Errno.EAGAIN);
        if (w.deadline().passedAt(now)) return FutexOutcome.Completed.error(Errno.ETIMEDOUT);
        futexes.enqueue(w.key(), r.id, w.bitset());
        records.park(r, new WaitCondition.FutexWait(w.key(), w.bitset()), w.deadline());
        return new FutexOutcome.Blocked();
    }

    private FutexOutcome futexRequeue(FutexOp.Requeue q) {
        if (q.wakeCount() < 0 || q.requeueLimit() < 0 || !q.from().aligned() || !q.to().aligned()) {
            return FutexOutcome.Completed.error(Errno.EINVAL);
        }
        if (!q.valueMatched()) return FutexOutcome.Completed.error(Errno.EAGAIN);
        FutexTable.Requeued result = futexes.requeue(q.from(), q.wakeCount(), q.to(), q.requeueLimit());
        int woken = records.wakeAll(result.woken());
        for (ThreadId t : result.moved()) {
            ThreadRecord m = records.known(t);
            int bitset = ((WaitCondition.FutexWait) m.condition).bitset();
            m.condition = new WaitCondition.FutexWait(q.to(), bitset);
        }
        return new FutexOutcome.Completed(woken + result.moved().size());
    }
}
