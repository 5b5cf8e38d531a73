package dev.detsim.sandbox.tracer;

import dev.detsim.sandbox.api.AfterReturn;
import dev.detsim.sandbox.api.Descriptors;
import dev.detsim.sandbox.api.GuestMemory;
import dev.detsim.sandbox.api.SyscallStop;

import dev.detsim.sandbox.arch.Registers;
import dev.detsim.sandbox.syscall.Syscall;
import dev.detsim.scheduler.ProcessId;
import dev.detsim.scheduler.ThreadId;
import dev.detsim.scheduler.WakeUp;
import java.util.Optional;

/** A thread stopped at the entry of a syscall some handler subscribed to, as the tracer holds it. */
final class PtraceSyscallStop implements SyscallStop {
    private final GuestMemory memory;
    private final Descriptors descriptors;
    Tracee thread;
    Syscall syscall;
    Registers registers;
    WakeUp wakeUp;
    /** Set when a handler changed an argument: the registers must be written back before resuming. */
    boolean argumentsChanged;
    /** What a handler wants done with the call's result (PASSTHROUGH only), or null. */
    java.util.function.LongFunction<AfterReturn> onReturn;
    /** The signal mask a parked call waits under (see waitUnderSignalMask), valid when hasWaitMask. */
    long waitMask;
    boolean hasWaitMask;

    PtraceSyscallStop(GuestMemory memory, Descriptors descriptors) {
        this.memory = memory;
        this.descriptors = descriptors;
    }

    @Override
    public int tid() {
        return thread.tid;
    }

    /** The thread's real process id (thread-group id), for looking at it in /proc. */
    @Override
    public int pid() {
        return thread.tgid;
    }

    /** The thread's virtual number (creation order). */
    @Override
    public ThreadId thread() {
        return thread.id;
    }

    /** The thread's process, by virtual number. */
    @Override
    public ProcessId process() {
        return thread.process;
    }

    @Override
    public Syscall syscall() {
        return syscall;
    }

    @Override
    public long argument(int index) {
        return registers.argument(index);
    }

    /** Changes argument index before the kernel runs the call (for a PASSTHROUGH disposition). */
    @Override
    public void setArgument(int index, long value) {
        registers.setArgument(index, value);
        argumentsChanged = true;
    }

    /**
     * An address in the thread's stack, below the 128-byte red zone, where a handler may put up to
     * {@code length} bytes for the kernel to read during this call: nothing else in the thread uses that
     * memory until the call returns, and the kernel copies syscall inputs (such as paths) when it starts.
     */
    @Override
    public long scratch(int length) {
        return (registers.stackPointer() - 128 - length) & ~15L;
    }

    /**
     * Asks to be given the call's result (or -errno) when the kernel returns from it, in the same turn and
     * before the thread runs on: for a PASSTHROUGH disposition. Costs one more stop.
     */
    @Override
    public void onReturn(java.util.function.LongConsumer observer) {
        onReturn = result -> {
            observer.accept(result);
            return AfterReturn.KEEP;
        };
    }

    @Override
    public void afterReturn(java.util.function.LongFunction<AfterReturn> decision) {
        onReturn = decision;
    }

    /**
     * For a BLOCK disposition: the call waits with mask as its blocked signals instead of the thread's own
     * (ppoll, pselect6, epoll_pwait: the kernel swaps the mask in for the wait), so a signal that mask lets
     * through interrupts it.
     */
    @Override
    public void waitUnderSignalMask(long mask) {
        waitMask = mask;
        hasWaitMask = true;
    }

    @Override
    public GuestMemory memory() {
        return memory;
    }

    /** The thread's descriptors, looked at from detsim (readiness, flags). */
    @Override
    public Descriptors descriptors() {
        return descriptors;
    }

    /**
     * Why the thread is asked again about a call it blocked in (its wait ended: woken, deadline passed, a
     * signal, or the condition may hold); empty at the call's first stop.
     */
    @Override
    public Optional<WakeUp> wakeUp() {
        return Optional.ofNullable(wakeUp);
    }
}
