package dev.detsim.sandbox.tracer;

import dev.detsim.sandbox.api.SyscallHandler;
import dev.detsim.recorder.EventLog;
import dev.detsim.sandbox.syscall.Syscall;
import dev.detsim.sandbox.tracer.preemption.Preemption;
import dev.detsim.scheduler.Scheduler;
import java.io.PrintStream;
import java.util.List;
import java.util.Set;

/**
 * How to run a program under the tracer.
 *
 * @param pinToOneCpu run the tracer thread and every tracee on one CPU (stops are cheaper, less noisy)
 * @param intercept syscalls to stop on although no handler needs them (passed through unchanged)
 * @param trace where to print a line per intercepted syscall, or null; tracing stops every syscall
 * @param handlers the family handlers, in priority order
 * @param keepFds descriptors above 2 the program inherits from detsim's caller
 * @param warnings where detsim reports what it could not handle faithfully
 * @param disableAslr run the program with address-space randomisation off
 * @param pidNamespace run the program as pid 2 of a new pid namespace, so its pids and tids are numbered the
 *     same in every run (falls back to host pids, with a warning, where namespaces cannot be made)
 * @param privateTmp with pidNamespace, an empty tmpfs of the run's own on /tmp and /var/tmp (the namespace
 *     cannot be made without it: pids and /tmp then both are the host's, with one warning)
 * @param events the run's event log: what handlers decided, execs, exits and signals, in order
 * @param scheduler who runs next: every traced thread runs only when it chooses
 * @param clocks the program's virtual clocks, for fast vDSO clock reads ({@link dev.detsim.sandbox.tracer.clock.VdsoClock}); null hides the
 *     vDSO instead, so every clock read is a syscall some handler must answer
 * @param preemption how a thread that runs long without a syscall is preempted; null: {@link Preemption#auto}
 */
public record TracerOptions(boolean pinToOneCpu, Set<Syscall> intercept, PrintStream trace,
                            List<SyscallHandler> handlers, int[] keepFds, PrintStream warnings,
                            boolean disableAslr, boolean pidNamespace, boolean privateTmp, EventLog events, Scheduler scheduler,
                            dev.detsim.sandbox.world.Clocks clocks, Preemption preemption) {}
