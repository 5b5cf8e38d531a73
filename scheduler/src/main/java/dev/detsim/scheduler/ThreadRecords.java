package dev.detsim.scheduler;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * Every thread the scheduler knows, and how a wait begins and ends: parking a thread on a condition, waking it
 * with a cause (leaving its futex queue), waking those whose deadline passed or whose condition may hold. The
 * {@link Scheduler} decides and keeps the turns; this keeps the threads' states consistent with the futex
 * queues. Misuse is a detsim bug and throws IllegalStateException.
 */
final class ThreadRecords {
    private final TreeMap<ThreadId, ThreadRecord> threads = new TreeMap<>();
    /**
     * The threads not EXITED, in id order: what every scan between turns goes over. A program that starts
     * thousands of processes (a shell loop) would otherwise make each scheduling point cost time in proportion
     * to every thread it ever had.
     */
    private final TreeMap<ThreadId, ThreadRecord> live = new TreeMap<>();
    final FutexTable futexes = new FutexTable();

    ThreadRecord add(ThreadId thread, ProcessId process) {
        if (threads.containsKey(thread)) throw misuse(thread + " already exists (" + threads.get(thread).state + ")");
        ThreadRecord r = new ThreadRecord(thread, process);
        threads.put(thread, r);
        live.put(thread, r);
        return r;
    }

    /** r is EXITED: out of every queue and scan. */
    void exited(ThreadRecord r) {
        r.state = ThreadState.EXITED;
        r.condition = null;
        r.deadline = Deadline.NONE;
        live.remove(r.id);
    }

    ThreadRecord known(ThreadId thread) {
        ThreadRecord r = threads.get(thread);
        if (r == null) throw misuse("unknown " + thread + "; spawn() it first");
        return r;
    }

    /** Every thread ever spawned, in id order. */
    java.util.Set<ThreadId> all() {
        return java.util.Collections.unmodifiableSet(threads.keySet());
    }

    /** The threads that have not exited, in id order. */
    java.util.Set<ThreadId> alive() {
        return java.util.Collections.unmodifiableSet(live.keySet());
    }

    /** Adds the live threads in state (not EXITED) to out, in id order. */
    void collect(ThreadState state, List<ThreadId> out) {
        for (ThreadRecord r : live.values()) if (r.state == state) out.add(r.id);
    }

    void park(ThreadRecord r, WaitCondition condition, Deadline deadline) {
        r.state = ThreadState.BLOCKED;
        r.condition = condition;
        r.deadline = deadline;
    }

    /** Threads the futex table already dequeued: each woken as by FUTEX_WAKE; how many. */
    int wakeAll(List<ThreadId> dequeued) {
        for (ThreadId t : dequeued) finishWait(threads.get(t), WakeUp.Cause.WOKEN);
        return dequeued.size();
    }

    void wake(ThreadRecord r, WakeUp.Cause cause) {
        leaveQueue(r);
        finishWait(r, cause);
    }

    private void finishWait(ThreadRecord r, WakeUp.Cause cause) {
        r.pendingWakeUp = new WakeUp(r.condition, cause, r.deadline);
        r.state = ThreadState.RUNNABLE;
        r.condition = null;
        r.deadline = Deadline.NONE;
    }

    /** A futex waiter leaves its queue (other waits have none). */
    void leaveQueue(ThreadRecord r) {
        if (r.condition instanceof WaitCondition.FutexWait f && !futexes.remove(f.key(), r.id)) {
            throw misuse(r.id + " waits on " + f.key() + " but is not in its queue");
        }
    }

    /** Wakes every BLOCKED thread whose deadline has passed at now, in id order (no list made when none has). */
    List<ThreadId> expireDeadlines(long now) {
        List<ThreadId> woken = List.of();
        for (ThreadRecord r : live.values()) {
            if (r.state == ThreadState.BLOCKED && r.deadline.passedAt(now)) {
                wake(r, WakeUp.Cause.DEADLINE_PASSED);
                if (woken.isEmpty()) woken = new ArrayList<>();
                woken.add(r.id);
            }
        }
        return woken;
    }

    /** Retries the BLOCKED threads (of process, when not null) whose condition matches, in id order. */
    List<ThreadId> retryWhere(Predicate<WaitCondition> matches, ProcessId process) {
        List<ThreadId> woken = new ArrayList<>();
        for (ThreadRecord r : live.values()) {
            if (r.state != ThreadState.BLOCKED || !matches.test(r.condition)) continue;
            if (process != null && !process.equals(r.process)) continue;
            wake(r, WakeUp.Cause.MAY_BE_READY);
            woken.add(r.id);
        }
        return woken;
    }

    static IllegalStateException misuse(String message) {
        return new IllegalStateException(message);
    }
}
