package dev.detsim.sandbox.api;

/**
 * A handler that needs to see every stop of the running thread — a syscall, a signal, an event, its exit —
 * before any handler decides anything about it: what the thread did since its previous stop without stopping
 * (a write that needed no stop, say) happened in the turn that is ending, at that turn's virtual time.
 */
public interface StopObserver {
    void runningThreadStopped(int tid);
}
