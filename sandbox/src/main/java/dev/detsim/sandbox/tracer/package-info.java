/**
 * The tracer: {@link dev.detsim.sandbox.tracer.Tracer} routes each ptrace stop to a collaborator —
 * {@code ThreadTable} (who is traced), {@code Turns} (one thread runs at a time), {@code SyscallDispatch}
 * (handlers decide), {@code ProcessStarts} and {@code Exits} (clone, exec, exit), {@code Preemptions},
 * {@code OutsideInput} (waits for the world outside). Subpackages hold what the tracer plugs in: preemption,
 * clock (vDSO and rdtsc, as {@link dev.detsim.sandbox.tracer.ProcessListener}s) and futex (the
 * {@link dev.detsim.sandbox.tracer.Accelerator}).
 */
package dev.detsim.sandbox.tracer;
