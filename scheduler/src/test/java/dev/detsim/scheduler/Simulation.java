package dev.detsim.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.detsim.abi.Poll;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Drives a Scheduler the way the tracer will: scripted guest threads (lists of {@link Step}s) run user-space
 * code until their next syscall, the harness reports that syscall to the scheduler, and calls next(). Guest
 * memory is a map of 32-bit words; pipes are byte counters. After every decision it checks the scheduler's
 * invariants.
 */
final class Simulation {
    static final ProcessId PROCESS = ProcessId.of(1);

    /** How a run ended, everything it decided, and what the guests printed. */
    record Result(List<Decision> decisions, Decision last, List<String> log, long endTime) {
        boolean finished() {
            return last instanceof Decision.NothingLeft;
        }
    }

    private final class GuestThread {
        final ThreadId id;
        final List<Step> program;
        int pc;
        /** Inside a step that made a syscall and must continue after it (lock and take loops). */
        boolean resumingStep;
        /** Blocked and not yet told why it woke: a lost wake-up if still set at the end. */
        boolean awaitingWakeUp;

        GuestThread(ThreadId id, List<Step> program) {
            this.id = id;
            this.program = program;
        }
    }

    final Scheduler scheduler;
    private final Map<ThreadId, GuestThread> guests = new TreeMap<>();
    private final Map<Long, Integer> memory = new HashMap<>();
    private final Map<Integer, Integer> pipes = new HashMap<>();
    private final List<String> log = new ArrayList<>();
    final List<Long> timedWaitResults = new ArrayList<>();

    Simulation(SchedulingPolicy policy) {
        this.scheduler = new Scheduler(policy);
    }

    Simulation thread(List<Step> program) {
        ThreadId id = ThreadId.of(guests.size() + 1);
        guests.put(id, new GuestThread(id, program));
        scheduler.spawn(id, PROCESS);
        return this;
    }

    Simulation thread(Step... program) {
        return thread(List.of(program));
    }

    int word(long address) {
        return memory.getOrDefault(address, 0);
    }

    Result run(int maxDecisions) {
        List<Decision> decisions = new ArrayList<>();
        long lastTime = 0;
        while (decisions.size() < maxDecisions) {
            Decision d = scheduler.next();
            decisions.add(d);
            assertTrue(scheduler.now() >= lastTime, "the clock went back");
            lastTime = scheduler.now();
            checkInvariants(d);
            switch (d) {
                case Decision.Run r -> turn(guests.get(r.thread()), r);
                case Decision.AdvanceClock a -> { }
                case Decision.Deadlock dl -> { return new Result(decisions, d, log, scheduler.now()); }
                case Decision.NothingLeft n -> {
                    for (GuestThread g : guests.values()) assertTrue(!g.awaitingWakeUp, "lost wake-up of " + g.id);
                    return new Result(decisions, d, log, scheduler.now());
                }
            }
        }
        return fail("no end after " + maxDecisions + " decisions; the last ones: "
                + decisions.subList(decisions.size() - 6, decisions.size()));
    }

    private void checkInvariants(Decision d) {
        List<ThreadId> running = new ArrayList<>();
        List<ThreadId> runnable = new ArrayList<>();
        for (ThreadId t : scheduler.threads()) {
            switch (scheduler.state(t)) {
                case RUNNING -> running.add(t);
                case RUNNABLE -> runnable.add(t);
                default -> { }
            }
        }
        switch (d) {
            case Decision.Run r -> assertEquals(List.of(r.thread()), running, "exactly the chosen thread runs");
            case Decision.AdvanceClock a -> {
                assertEquals(List.of(), running);
                assertEquals(a.woken(), runnable, "only the timed-out threads became runnable");
                assertEquals(a.now(), scheduler.now());
            }
            case Decision.Deadlock dl -> {
                assertEquals(List.of(), running);
                assertEquals(List.of(), runnable);
                for (DeadlockReport.Waiter w : dl.report().waiters()) {
                    assertTrue(scheduler.deadlineOf(w.thread()).isNone());
                    guests.get(w.thread()).awaitingWakeUp = false; // accounted for: reported
                }
            }
            case Decision.NothingLeft n -> {
                for (ThreadId t : scheduler.threads()) assertEquals(ThreadState.EXITED, scheduler.state(t));
            }
        }
    }

    /** Runs g's user code until its next syscall and reports that syscall. */
    private void turn(GuestThread g, Decision.Run run) {
        if (run.wakeUp().isPresent()) {
            assertTrue(g.awaitingWakeUp, g.id + " got a wake-up without waiting");
            g.awaitingWakeUp = false;
            WakeUp w = run.wakeUp().get();
            if (w.condition() instanceof WaitCondition.Readiness) {
                retryRead(g, w);
                return;
            }
            if (w.condition() instanceof WaitCondition.FutexWait && g.program.get(g.pc) instanceof Step.TimedWait) {
                timedWaitResults.add(w.syscallReturn().orElseThrow());
                g.pc++;
                return; // resuming from the syscall is itself followed by the next stop
            }
        }
        while (g.pc < g.program.size()) {
            if (execute(g, g.program.get(g.pc))) return;
        }
        scheduler.exited(g.id);
    }

    private void retryRead(GuestThread g, WakeUp w) {
        int fd = ((Step.ReadPipe) g.program.get(g.pc)).fd();
        if (pipes.getOrDefault(fd, 0) > 0) {
            pipes.merge(fd, -1, Integer::sum);
            g.pc++;
        } else {
            scheduler.retryFailed(g.id);
            g.awaitingWakeUp = true;
        }
    }

    /** Executes one step (or its continuation); true when it made a syscall, which ends the turn. */
    private boolean execute(GuestThread g, Step step) {
        switch (step) {
            case Step.Lock(long a) -> {
                if (!g.resumingStep) {
                    int c = cas(a, 0, 1);
                    if (c == 0 || (c != 2 && xchg(a, 2) == 0)) return acquired(g);
                } else if (xchg(a, 2) == 0) {
                    return acquired(g);
                }
                g.resumingStep = true;
                return futexWait(g, a, 2, Deadline.NONE);
            }
            case Step.Unlock(long a) -> {
                g.pc++;
                int old = word(a);
                memory.put(a, old - 1);
                if (old == 1) return false;
                memory.put(a, 0);
                scheduler.futex(g.id, new FutexOp.Wake(FutexKey.privateTo(PROCESS, a), 1));
                return true;
            }
            case Step.Sleep(long ns) -> {
                g.pc++;
                scheduler.block(g.id, new WaitCondition.Sleep(), Deadline.after(scheduler.now(), ns));
                g.awaitingWakeUp = true;
                return true;
            }
            case Step.Yield() -> {
                g.pc++;
                scheduler.yieldTurn(g.id);
                return true;
            }
            case Step.Syscall() -> {
                g.pc++;
                return true;
            }
            case Step.Print(String tag) -> {
                g.pc++;
                log.add(tag);
                return true;
            }
            case Step.Post(long a) -> {
                g.pc++;
                memory.merge(a, 1, Integer::sum);
                scheduler.futex(g.id, new FutexOp.Wake(FutexKey.privateTo(PROCESS, a), 1));
                return true;
            }
            case Step.Take(long a, long timeout) -> {
                if (word(a) > 0) {
                    memory.merge(a, -1, Integer::sum);
                    g.pc++;
                    g.resumingStep = false;
                    return false;
                }
                g.resumingStep = true;
                Deadline d = timeout < 0 ? Deadline.NONE : Deadline.after(scheduler.now(), timeout);
                return futexWait(g, a, 0, d);
            }
            case Step.TimedWait(long a, long timeout) -> {
                FutexOp.Wait op = new FutexOp.Wait(FutexKey.privateTo(PROCESS, a), true,
                        Deadline.after(scheduler.now(), timeout));
                if (scheduler.futex(g.id, op) instanceof FutexOutcome.Completed(long value)) {
                    timedWaitResults.add(value);
                    g.pc++;
                } else {
                    g.awaitingWakeUp = true;
                }
                return true;
            }
            case Step.WritePipe(int fd) -> {
                g.pc++;
                pipes.merge(fd, 1, Integer::sum);
                scheduler.readyAgain(PROCESS, fd, Poll.POLLIN);
                return true;
            }
            case Step.ReadPipe(int fd) -> {
                if (pipes.getOrDefault(fd, 0) > 0) {
                    pipes.merge(fd, -1, Integer::sum);
                    g.pc++;
                    return true; // read(2) is a syscall even when data is there
                }
                scheduler.block(g.id, WaitCondition.Readiness.of(PROCESS, fd, Poll.POLLIN),
                        Deadline.NONE);
                g.awaitingWakeUp = true;
                return true;
            }
        }
    }

    private boolean acquired(GuestThread g) {
        g.pc++;
        g.resumingStep = false;
        return false;
    }

    /** FUTEX_WAIT as the tracer does it: compare the word, then ask the scheduler. Always a syscall stop. */
    private boolean futexWait(GuestThread g, long a, int expected, Deadline deadline) {
        FutexOp.Wait op = new FutexOp.Wait(FutexKey.privateTo(PROCESS, a), word(a) == expected, deadline);
        if (scheduler.futex(g.id, op) instanceof FutexOutcome.Blocked) g.awaitingWakeUp = true;
        return true;
    }

    private int cas(long a, int expected, int value) {
        int old = word(a);
        if (old == expected) memory.put(a, value);
        return old;
    }

    private int xchg(long a, int value) {
        int old = word(a);
        memory.put(a, value);
        return old;
    }
}
