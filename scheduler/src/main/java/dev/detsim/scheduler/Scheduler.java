package dev.detsim.scheduler;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Decides which one traced thread runs, and owns everything that decides when a waiting thread may go on:
 * the virtual clock, futex queues, deadlines and other waits — the threads' states and their waits in
 * {@link ThreadRecords}, futex(2) itself in {@link FutexEmulation}. Pure Java and single-threaded: the tracer
 * thread is its only caller.
 *
 * <p>The tracer's loop: call {@link #next()}; on {@link Decision.Run} resume that thread until its next
 * stop; report what the stop did (nothing special, {@link #yieldTurn}, {@link #preempt}, {@link #block},
 * {@link #futex}, {@link #spawn}, {@link #exited}, {@link #retryFailed}, and any wake-ups it caused); call
 * next() again. A <em>turn</em> is the span from one Run to the end of that thread's stop; each turn costs one
 * clock quantum, charged in the following next(), except a failed retry, which costs nothing.
 *
 * <p>Misuse (an unknown thread, a thread in the wrong state) is a detsim bug and throws
 * IllegalStateException; everything the guest can cause comes back as a value.
 */
public final class Scheduler {
    private final SchedulingPolicy policy;
    private final VirtualClock clock;
    private final ThreadRecords records = new ThreadRecords();
    private final FutexTable futexes = records.futexes;
    private final FutexEmulation futexEmulation = new FutexEmulation(records);
    private final TimerQueue timers = new TimerQueue();

    /**
     * The runnable threads at the current decision, refilled by each next(): the policy sees it through a
     * read-only view, valid while it chooses (the tracer decides at every stop, so no list is made per decision).
     */
    private final List<ThreadId> runnable = new ArrayList<>();
    private final List<ThreadId> runnableView = Collections.unmodifiableList(runnable);

    private ThreadRecord running;
    /** The turn that ended since the last decision, for the policy and the clock. */
    private ThreadId endedThread;
    private TurnEnd ended = TurnEnd.NONE;
    private boolean chargeDue;
    private long turns;
    private int preemptions;
    private int tickPreemptions;

    public Scheduler(SchedulingPolicy policy) {
        this(policy, new VirtualClock());
    }

    public Scheduler(SchedulingPolicy policy, VirtualClock clock) {
        this.policy = policy;
        this.clock = clock;
    }

    public static Scheduler deterministic() {
        return new Scheduler(new DeterministicPolicy());
    }

    /** The default chaos: the seed draws the policy (swarm). */
    public static Scheduler chaos(long seed) {
        return chaos(ChaosSpec.SWARM, seed);
    }

    public static Scheduler chaos(ChaosSpec spec, long seed) {
        return new Scheduler(spec.policy(seed));
    }

    // ---- threads coming and going -------------------------------------------------------------------

    /** A new thread (the first one, or a clone/fork child): RUNNABLE. */
    public void spawn(ThreadId thread, ProcessId process) {
        records.add(thread, process);
    }

    /** The thread is gone, from any state (exit, exit_group, killed while stopped or parked). */
    public void exited(ThreadId thread) {
        ThreadRecord r = known(thread);
        switch (r.state) {
            case EXITED -> throw misuse(thread + " exited twice");
            case RUNNING -> endTurn(r, TurnEnd.EXITED);
            case BLOCKED -> records.leaveQueue(r);
            case RUNNABLE -> r.pendingWakeUp = null;
        }
        records.exited(r);
    }

    // ---- the decision -------------------------------------------------------------------------------

    /**
     * The scheduling point: ends the running thread's turn if it is still RUNNING (it stopped and stays
     * runnable), charges the ended turn to the clock, wakes waiters whose deadline has passed, and decides.
     */
    public Decision next() {
        if (running != null) {
            ThreadRecord r = running;
            endTurn(r, r.preempted ? TurnEnd.PREEMPTED : r.yielded ? TurnEnd.YIELDED : TurnEnd.STOPPED);
            r.state = ThreadState.RUNNABLE;
        }
        if (chargeDue) {
            clock.tick();
            turns++;
            chargeDue = false;
        }
        records.expireDeadlines(clock.now());
        runnable.clear();
        records.collect(ThreadState.RUNNABLE, runnable);
        if (runnable.isEmpty()) return nothingRunnable();

        ThreadId choice = policy.choose(new SchedulingPoint(runnableView, Optional.ofNullable(endedThread), ended, turns));
        if (!runnable.contains(choice)) {
            throw misuse(policy.describe() + " chose " + choice + ", which is not runnable; runnable: " + runnable);
        }
        endedThread = null;
        ended = TurnEnd.NONE;
        ThreadRecord r = records.known(choice);
        r.state = ThreadState.RUNNING;
        r.turnWakeUp = r.pendingWakeUp;
        r.pendingWakeUp = null;
        running = r;
        return new Decision.Run(choice, Optional.ofNullable(r.turnWakeUp));
    }

    private Decision nothingRunnable() {
        List<ThreadId> blocked = new ArrayList<>();
        records.collect(ThreadState.BLOCKED, blocked);
        if (blocked.isEmpty()) return new Decision.NothingLeft();
        Deadline earliest = Deadline.NONE;
        for (ThreadId t : blocked) {
            Deadline d = records.known(t).deadline;
            if (d.compareTo(earliest) < 0) earliest = d;
        }
        OptionalLong timer = timers.earliest();
        if (timer.isPresent() && timer.getAsLong() < earliest.nanos()) earliest = Deadline.at(Math.max(timer.getAsLong(), clock.now()));
        if (earliest.isNone()) {
            List<DeadlockReport.Waiter> waiters = new ArrayList<>();
            for (ThreadId t : blocked) {
                ThreadRecord r = records.known(t);
                waiters.add(new DeadlockReport.Waiter(t, r.process, r.condition));
            }
            return new Decision.Deadlock(new DeadlockReport(clock.now(), waiters));
        }
        clock.advanceTo(earliest.nanos());
        return new Decision.AdvanceClock(clock.now(), records.expireDeadlines(clock.now()));
    }

    // ---- how the running thread's turn ends ---------------------------------------------------------

    /** sched_yield: the thread stays RUNNING until next(), which ends its slice. */
    public void yieldTurn(ThreadId thread) {
        running(thread, "yield").yielded = true;
    }

    /**
     * The tracer's wall-clock watchdog had to stop this thread (it ran too long without a scheduling point).
     * Where that happens depends on host speed, so each one is counted as a nondeterministic preemption.
     */
    public void preempt(ThreadId thread) {
        preempt(thread, 0);
    }

    /**
     * As {@link #preempt(ThreadId)}, and the turn costs hostNanos more on the virtual clock: the host time the
     * thread ran. A thread that spins for a long time without a scheduling point would otherwise see no time
     * pass while it waits for a clock (Go's sysmon preempts a goroutine only after 10 ms of its clock). Such a
     * turn is nondeterministic anyway, so charging host time costs no determinism that was not already lost.
     */
    public void preempt(ThreadId thread, long hostNanos) {
        if (hostNanos < 0) throw misuse("negative preemption cost " + hostNanos);
        running(thread, "be preempted").preempted = true;
        preemptions++;
        clock.advanceTo(Math.addExact(clock.now(), hostNanos));
    }

    /**
     * The running thread reached a tick boundary of the tracer's counter (retired branches, probe hits): a
     * preemption at a point that is the same in every run, so not counted as nondeterministic. The turn costs
     * sliceNanos more on the virtual clock (a nominal time slice, the same in every run).
     */
    public void preemptAtTick(ThreadId thread, long sliceNanos) {
        if (sliceNanos < 0) throw misuse("negative time slice " + sliceNanos);
        running(thread, "be preempted").preempted = true;
        tickPreemptions++;
        clock.advanceTo(Math.addExact(clock.now(), sliceNanos));
    }

    /**
     * Parks the running thread on a non-futex condition. The tracer later says the condition may hold with
     * {@link #retry}, {@link #readyAgain} or {@link #childExited}; a signal uses {@link #interrupt}; the
     * deadline, if any, ends the wait by itself.
     */
    public void block(ThreadId thread, WaitCondition condition, Deadline deadline) {
        ThreadRecord r = running(thread, "block");
        if (condition instanceof WaitCondition.FutexWait) {
            throw misuse("futex waits go through futex(), which keeps their queue order; " + thread + " used block()");
        }
        if (condition instanceof WaitCondition.Sleep && deadline.isNone()) {
            throw misuse(thread + " would sleep forever: a sleep needs a deadline");
        }
        records.park(r, condition, deadline);
        endTurn(r, TurnEnd.BLOCKED);
    }

    /**
     * The thread was resumed with {@link WakeUp.Cause#MAY_BE_READY}, the tracer re-ran its syscall, and it
     * still cannot finish: it waits again on the same condition and deadline. This turn costs no virtual time
     * and does not count as a turn, so how many retries the tracer makes does not move the clock.
     */
    public void retryFailed(ThreadId thread) {
        ThreadRecord r = running(thread, "retry a wait");
        WakeUp w = r.turnWakeUp;
        if (w == null || w.cause() != WakeUp.Cause.MAY_BE_READY) {
            throw misuse(thread + " was not resumed to retry a wait (its turn began with " + w + "); use block()");
        }
        records.park(r, w.condition(), w.deadline());
        endTurn(r, TurnEnd.RETRY_FAILED);
    }

    // ---- futexes ------------------------------------------------------------------------------------

    /**
     * Emulates one futex operation for caller. A wait must come from the RUNNING thread; wakes may come from
     * any known thread (the kernel's CLONE_CHILD_CLEARTID wake at exit is made for an exiting thread).
     * Argument errors Linux reports (bitset 0, an unaligned word, negative requeue counts) come back as
     * EINVAL, a failed value check as EAGAIN, and an already passed deadline as ETIMEDOUT. A wait that blocks
     * ends the caller's turn.
     */
    public FutexOutcome futex(ThreadId caller, FutexOp op) {
        ThreadRecord r = known(caller);
        FutexOutcome outcome = futexEmulation.apply(r, op, clock.now());
        if (outcome instanceof FutexOutcome.Blocked) endTurn(r, TurnEnd.BLOCKED);
        return outcome;
    }

    /** Whether thread is blocked in a futex wait on key. */
    public boolean waitsOnFutex(ThreadId thread, FutexKey key) {
        ThreadRecord r = known(thread);
        return r.state == ThreadState.BLOCKED && r.condition instanceof WaitCondition.FutexWait f && f.key().equals(key);
    }

    /**
     * Ends thread's futex wait as a FUTEX_WAKE would (the wait returns 0), wherever it is in its queue: for
     * wakes the tracer did not see, when the futex word no longer holds the value the thread waited for
     * (futex(2) allows a wait to end so at any time). False, changing nothing, if it is not in a futex wait.
     */
    public boolean wakeFutexWaiter(ThreadId thread) {
        ThreadRecord r = known(thread);
        if (r.state != ThreadState.BLOCKED || !(r.condition instanceof WaitCondition.FutexWait)) return false;
        records.wake(r, WakeUp.Cause.WOKEN);
        return true;
    }

    /** The threads waiting on a futex, head of the queue first (the order wakes take them in). */
    public List<ThreadId> futexWaiters(FutexKey key) {
        return futexes.waiters(key);
    }

    // ---- other wake-ups -----------------------------------------------------------------------------

    /**
     * A signal is to be delivered to thread: if it is BLOCKED it becomes RUNNABLE with
     * {@link WakeUp.Cause#INTERRUPTED} (EINTR). Returns false, changing nothing, if it was not blocked.
     */
    public boolean interrupt(ThreadId thread) {
        ThreadRecord r = known(thread);
        if (r.state != ThreadState.BLOCKED) return false;
        records.wake(r, WakeUp.Cause.INTERRUPTED);
        return true;
    }

    /**
     * The condition this thread waits on may hold now: it becomes RUNNABLE with
     * {@link WakeUp.Cause#MAY_BE_READY} and the tracer re-runs its syscall at its turn. False if it was not
     * blocked. Futex waiters cannot be retried: only futex ops, their deadline or a signal end their wait.
     */
    public boolean retry(ThreadId thread) {
        ThreadRecord r = known(thread);
        if (r.state != ThreadState.BLOCKED) return false;
        if (r.condition instanceof WaitCondition.FutexWait) {
            throw misuse(thread + " waits on a futex; wake it with futex(), interrupt() or its deadline, not retry()");
        }
        records.wake(r, WakeUp.Cause.MAY_BE_READY);
        return true;
    }

    /**
     * Something happened to fd of process's fd table that may make these poll events hold (POLLERR, POLLHUP
     * and POLLNVAL match any interest, as poll reports them unasked). Retries every matching Readiness waiter,
     * returned in id order.
     */
    public List<ThreadId> readyAgain(ProcessId process, int fd, int events) {
        return records.retryWhere(c -> c instanceof WaitCondition.Readiness r && r.matches(process, fd, events), null);
    }

    /** child, a child of parent, exited: retries parent's threads waiting for it or for any child. */
    public List<ThreadId> childExited(ProcessId parent, ProcessId child) {
        return records.retryWhere(c -> c instanceof WaitCondition.ChildExit e && e.matches(child), parent);
    }

    // ---- queries ------------------------------------------------------------------------------------

    public ThreadState state(ThreadId thread) {
        return known(thread).state;
    }

    /** What a BLOCKED thread waits on; empty otherwise. */
    public Optional<WaitCondition> waitingOn(ThreadId thread) {
        ThreadRecord r = known(thread);
        return r.state == ThreadState.BLOCKED ? Optional.of(r.condition) : Optional.empty();
    }

    public Deadline deadlineOf(ThreadId thread) {
        return known(thread).deadline;
    }

    public Optional<ThreadId> running() {
        return Optional.ofNullable(running).map(r -> r.id);
    }

    /** Every thread ever spawned, in id order. */
    public Set<ThreadId> threads() {
        return records.all();
    }

    /** The threads that have not exited, in id order. */
    public Set<ThreadId> liveThreads() {
        return records.alive();
    }

    public ProcessId processOf(ThreadId thread) {
        return known(thread).process;
    }

    public long now() {
        return clock.now();
    }

    /**
     * The armed timers of every process (alarm, setitimer, timer_create, timerfd). The scheduler counts them
     * as deadlines when every thread waits; the tracer takes the expired ones between turns and delivers them.
     */
    public TimerQueue timers() {
        return timers;
    }

    public VirtualClock clock() {
        return clock;
    }

    /** Turns charged so far. */
    public long turns() {
        return turns;
    }

    /** How many preemptions were at a tick boundary ({@link #preemptAtTick}): the same in every run. */
    public int deterministicPreemptions() {
        return tickPreemptions;
    }

    /** How many times the wall-clock watchdog stopped a thread: each makes the run nondeterministic. */
    public int nondeterministicPreemptions() {
        return preemptions;
    }

    public SchedulingPolicy policy() {
        return policy;
    }

    // ---- internals ----------------------------------------------------------------------------------

    private void endTurn(ThreadRecord r, TurnEnd how) {
        endedThread = r.id;
        ended = how;
        chargeDue = how != TurnEnd.RETRY_FAILED;
        r.turnWakeUp = null;
        r.yielded = false;
        r.preempted = false;
        running = null;
    }

    private ThreadRecord known(ThreadId thread) {
        return records.known(thread);
    }

    private ThreadRecord running(ThreadId thread, String what) {
        ThreadRecord r = known(thread);
        if (r.state != ThreadState.RUNNING) {
            throw misuse(thread + " cannot " + what + ": it is " + r.state + ", not RUNNING"
                    + running().map(t -> " (" + t + " is)").orElse(""));
        }
        return r;
    }

    private static IllegalStateException misuse(String message) {
        return ThreadRecords.misuse(message);
    }
}
