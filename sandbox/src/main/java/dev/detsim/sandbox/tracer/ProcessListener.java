package dev.detsim.sandbox.tracer;

/**
 * What keeps state per traced process (patched rdtsc sites, the clock page's mapping, the futex word watch's
 * filters) hears of processes coming and going here, instead of being called by name from the tracer.
 */
interface ProcessListener {
    /** Process childTgid was forked from parentTgid: it starts with a copy of the parent's memory. */
    void forked(int parentTgid, int childTgid);

    /** Process tgid is gone. */
    void exited(int tgid);
}
