package dev.detsim.sandbox.api;

import dev.detsim.scheduler.Deadline;
import dev.detsim.scheduler.FutexOp;
import dev.detsim.scheduler.WaitCondition;

/**
 * What the tracer does with a syscall a handler decided: let the kernel run it, answer it itself, or park
 * the thread until the scheduler says the call may go on. Handlers never touch the run queue: they return
 * one of these and the tracer asks the scheduler.
 */
public sealed interface Disposition {
    /** The kernel runs the syscall as the tracee asked. */
    Disposition PASSTHROUGH = new Passthrough();

    /** sched_yield: the call returns 0 and the thread's turn ends. */
    Disposition YIELD = new Yield();

    /** The kernel skips the syscall; the tracee sees value as its result. */
    static Disposition emulate(long value) {
        return new Emulate(value);
    }

    /** The kernel skips the syscall; the tracee sees -1 with errno set to errno. */
    static Disposition fail(int errno) {
        return new Emulate(-errno);
    }

    /**
     * The call cannot finish now: the thread stays stopped at the syscall's entry until the condition may
     * hold, the deadline passes or a signal comes. Then the handler is asked again, with
     * {@link SyscallStop#wakeUp()} saying why.
     */
    static Disposition block(WaitCondition condition, Deadline deadline) {
        return new Block(condition, deadline);
    }

    /** A futex operation, decoded: the scheduler owns the queues and answers (or parks the thread). */
    static Disposition futex(FutexOp op) {
        return new Futex(op);
    }

    record Passthrough() implements Disposition {}

    record Yield() implements Disposition {}

    record Emulate(long value) implements Disposition {}

    record Block(WaitCondition condition, Deadline deadline) implements Disposition {}

    record Futex(FutexOp op) implements Disposition {}
}
