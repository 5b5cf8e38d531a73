package dev.detsim.sandbox.api;

import dev.detsim.sandbox.syscall.Syscall;
import dev.detsim.scheduler.ProcessId;
import dev.detsim.scheduler.ThreadId;
import dev.detsim.scheduler.WakeUp;
import java.util.Optional;
import java.util.function.LongConsumer;
import java.util.function.LongFunction;

/** A thread stopped at the entry of a syscall some handler subscribed to: what a handler may read and change. */
public interface SyscallStop {
    /** The thread's host tid, for reading its memory and descriptors. */
    int tid();

    /** The thread's real process id (thread-group id), for looking at it in /proc. */
    int pid();

    /** The thread's virtual number (creation order). */
    ThreadId thread();

    /** The thread's process, by virtual number. */
    ProcessId process();

    Syscall syscall();

    long argument(int index);

    /** Changes argument index before the kernel runs the call (for a PASSTHROUGH disposition). */
    void setArgument(int index, long value);

    /**
     * An address in the thread's stack, below the 128-byte red zone, where a handler may put up to
     * {@code length} bytes for the kernel to read during this call: nothing else in the thread uses that
     * memory until the call returns, and the kernel copies syscall inputs (such as paths) when it starts.
     */
    long scratch(int length);

    /**
     * Asks to be given the call's result (or -errno) when the kernel returns from it, in the same turn and
     * before the thread runs on: for a PASSTHROUGH disposition. Costs one more stop.
     */
    void onReturn(LongConsumer observer);

    /**
     * Like {@link #onReturn}, but deciding what the program sees: the result, another value, or the call made
     * again ({@link AfterReturn}). For a PASSTHROUGH disposition; one of the two per stop.
     */
    void afterReturn(LongFunction<AfterReturn> decision);

    /**
     * For a BLOCK disposition: the call waits with mask as its blocked signals instead of the thread's own
     * (ppoll, pselect6, epoll_pwait: the kernel swaps the mask in for the wait), so a signal that mask lets
     * through interrupts it.
     */
    void waitUnderSignalMask(long mask);

    GuestMemory memory();

    /** The thread's descriptors, looked at from detsim (readiness, flags). */
    Descriptors descriptors();

    /**
     * Why the thread is asked again about a call it blocked in (its wait ended: woken, deadline passed, a
     * signal, or the condition may hold); empty at the call's first stop.
     */
    Optional<WakeUp> wakeUp();
}
