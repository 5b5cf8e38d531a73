package dev.detsim.sandbox.api;

import dev.detsim.scheduler.ProcessId;

/**
 * What a handler may do when one of its timers expires ({@link SyscallHandler#onTimer}). The tracer calls it
 * between turns, with every thread stopped, so a signal sent here is pending when the chosen thread next runs
 * (and ends its wait if it is parked in one).
 */
public interface TimerDelivery {
    /**
     * Sends signal to a thread of process: to thread (a host tid) if it is not 0, else to the process's first
     * thread in creation order that does not block the signal (to the process as a whole if all block it).
     * siginfo (128 bytes, si_code negative) goes with it, or null for a plain tgkill. False if the thread or
     * process is gone.
     */
    boolean signal(ProcessId process, int thread, int signal, byte[] siginfo);

    /**
     * Whether signal is pending for thread (a host tid), or for any thread of process if thread is 0: a timer
     * whose last signal is still pending sends no other, it counts an overrun.
     */
    boolean pending(ProcessId process, int thread, int signal);

    /** A live thread of process (its host tid), or 0 if none is left: for looking at its descriptors. */
    int anyThreadOf(ProcessId process);

    /** Descriptors of the traced threads, looked at from detsim. */
    Descriptors descriptors();
}
