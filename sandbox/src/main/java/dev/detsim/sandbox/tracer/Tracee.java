package dev.detsim.sandbox.tracer;

import dev.detsim.sandbox.api.SyscallStop;
import dev.detsim.sandbox.syscall.Syscall;
import dev.detsim.sandbox.tracer.clock.TscMode;
import dev.detsim.sandbox.tracer.preemption.ThreadTicks;
import dev.detsim.sandbox.tracer.preemption.TickCounters;
import dev.detsim.scheduler.ProcessId;
import dev.detsim.scheduler.ThreadId;

/** One traced thread, keyed by its tid, and what the tracer holds it for. */
final class Tracee implements TracedThread {
    int tid;
    /** Thread-group id (the real pid of its process). */
    int tgid;
    /**
     * The resume count at which this thread's syscall was left to the kernel to answer with kernelAnswer (see
     * {@link Accelerator#kernelAnswer}), or -1. If other threads ran before it resumes, detsim answers instead.
     */
    long kernelAnswersAt = -1;
    long kernelAnswer;
    /** Virtual thread number, in creation order (null until the creating clone event is seen). */
    ThreadId id;
    ProcessId process;
    /** The process that forked this one (for wait4), null for the first. */
    ProcessId parent;

    /** The thread is in a ptrace-stop that detsim has not resumed yet. */
    boolean held;
    /** A stop that arrived while the thread was not the running one, handled at its next turn. */
    Integer queuedStatus;
    /** Signal to deliver when the thread is next resumed (0: none). */
    int resumeSignal;
    /** The syscall of its last seccomp stop (what it returns from when detsim answered it), or null. */
    Syscall lastCall;
    /** The syscall it is parked in at its entry stop, or null. */
    Syscall blockedIn;
    /**
     * The struct ptrace_syscall_info of the stop it is parked at (its registers cannot change while it waits),
     * so that resuming it needs no ptrace call to read them again; valid while parkedInfoValid.
     */
    java.lang.foreign.MemorySegment parkedInfo;
    boolean parkedInfoValid;
    /** Descriptor copies detsim polls while the thread waits for readiness (closed when it runs again). */
    int[] waitCopies;
    int[] waitEvents;
    /** The blocked signals its last parked call waits under (ppoll, pselect6, ...), valid when hasWaitMask. */
    long waitMask;
    boolean hasWaitMask;
    /** The tracer's progress count when this thread last tried the file lock it waits for. */
    long lockTriedAt;
    /** Parked on a wait retried after progress (a file lock, AIO completions), until it runs again. */
    boolean waitsForProgress;
    /** In a vfork parent: the child whose exec or exit lets it go on. */
    ProcessId vforkChild;
    /** Held in a group-stop with PTRACE_LISTEN: its next stop comes when SIGCONT arrives. */
    boolean listening;
    /** The resumed syscall may send a signal: check waiting threads for pending signals after this turn. */
    boolean mayHaveSignalled;
    /** That syscall has run (in the turn that just ended): check waiting threads for pending signals now. */
    boolean signalSent;
    /** Exited as far as the scheduler knows (exit, exit_group or exec of a sibling); its death may still be reported. */
    boolean gone;
    /** CLONE_CHILD_CLEARTID / set_tid_address: the kernel zeroes this word and futex-wakes it when the thread exits. */
    long clearChildTid;
    /** clone flags and child_tid seen at the entry of this thread's clone call, for the event that follows. */
    long cloneFlags;
    long cloneChildTid;

    /** Syscall whose exit the trace awaits (null when none): its line is printed at the exit stop. */
    Syscall pendingSyscall;
    long[] pendingArgs;
    /** Arguments rendered at entry; output buffers (null here) are rendered at exit. */
    String[] pendingRendered;

    /** A handler's observer of the result of the syscall this thread runs next (see SyscallStop.onReturn). */
    java.util.function.LongFunction<dev.detsim.sandbox.api.AfterReturn> onReturn;

    /** Whether its rdtsc faults reach it (PR_SET_TSC, see {@link dev.detsim.sandbox.tracer.clock.TimeStampCounter}). */
    final TscMode tscMode = new TscMode();

    /** Its tick counter and its approach to the next boundary (see {@link TickCounters}). */
    final ThreadTicks ticks = new ThreadTicks();

    Tracee(int tid) {
        this.tid = tid;
    }

    @Override
    public int tid() {
        return tid;
    }

    @Override
    public int tgid() {
        return tgid;
    }

    @Override
    public ThreadId id() {
        return id;
    }

    /** Virtual thread number for logs, 0 while unknown. */
    int number() {
        return id == null ? 0 : id.value();
    }

    boolean isLeader() {
        return tid == tgid;
    }
}
