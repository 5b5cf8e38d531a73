package dev.detsim.scheduler;

/** The scheduler's mutable bookkeeping for one thread. Only {@link Scheduler} touches it. */
final class ThreadRecord {
    final ThreadId id;
    final ProcessId process;
    ThreadState state = ThreadState.RUNNABLE;
    /** While BLOCKED: what it waits on and until when. */
    WaitCondition condition;
    Deadline deadline = Deadline.NONE;
    /** Set when woken; handed to the tracer with the Run that resumes it. */
    WakeUp pendingWakeUp;
    /** The wake-up this turn began with, so a failed retry can wait again on the same terms. */
    WakeUp turnWakeUp;
    boolean yielded;
    boolean preempted;

    ThreadRecord(ThreadId id, ProcessId process) {
        this.id = id;
        this.process = process;
    }
}
