package dev.detsim.sandbox.tracer;

import dev.detsim.scheduler.ThreadId;

/** A traced thread as the tracer's subpackages see it: which thread it is, not what the tracer holds it for. */
public interface TracedThread {
    /** Its host tid. */
    int tid();

    /** Its process's host pid (thread-group id). */
    int tgid();

    /** Its virtual number (creation order), null until its creator's clone event is seen. */
    ThreadId id();
}
