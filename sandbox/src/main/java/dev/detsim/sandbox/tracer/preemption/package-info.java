/**
 * Preempting a thread that runs long without a syscall: per-thread tick counters that end a turn at the same
 * instruction in every run ({@link dev.detsim.sandbox.tracer.preemption.TickCounters}), and the wall-clock
 * {@link dev.detsim.sandbox.tracer.preemption.Watchdog} where there are none. Needs nothing of the tracer: the
 * tracer holds a {@link dev.detsim.sandbox.tracer.preemption.ThreadTicks} per thread and routes the stops here.
 */
package dev.detsim.sandbox.tracer.preemption;
