package dev.detsim.scheduler;

/**
 * One action of a scripted guest thread in {@link Simulation}. Steps that make a syscall end the thread's
 * turn (a scheduling point, as an intercepted syscall is for the tracer); pure user-space work does not.
 */
sealed interface Step {
    /** A futex mutex (Drepper, "Futexes Are Tricky", mutex #2): 0 free, 1 locked, 2 locked with waiters. */
    record Lock(long address) implements Step {}

    record Unlock(long address) implements Step {}

    /** nanosleep. */
    record Sleep(long nanos) implements Step {}

    record Yield() implements Step {}

    /** Any intercepted syscall that does not block (getpid, clock_gettime...). */
    record Syscall() implements Step {}

    /** A write of tag to a shared log: a syscall whose order the test can observe. */
    record Print(String tag) implements Step {}

    /** Semaphore post on a futex word: increment, then FUTEX_WAKE one. */
    record Post(long address) implements Step {}

    /** Semaphore take: while the word is 0, FUTEX_WAIT on 0 (with an optional relative timeout); then decrement. */
    record Take(long address, long timeoutNanos) implements Step {
        Take(long address) {
            this(address, -1);
        }
    }

    /** A FUTEX_WAIT nobody will wake, with a relative timeout: returns ETIMEDOUT. */
    record TimedWait(long address, long timeoutNanos) implements Step {}

    /** Write one byte to a pipe fd of the thread's process; retries readers. */
    record WritePipe(int fd) implements Step {}

    /** Blocking read of one byte from a pipe fd: parks on Readiness while empty. */
    record ReadPipe(int fd) implements Step {}

    static Step lock(long a) { return new Lock(a); }
    static Step unlock(long a) { return new Unlock(a); }
    static Step sleep(long ns) { return new Sleep(ns); }
    static Step yieldTurn() { return new Yield(); }
    static Step syscall() { return new Syscall(); }
    static Step print(String tag) { return new Print(tag); }
}
