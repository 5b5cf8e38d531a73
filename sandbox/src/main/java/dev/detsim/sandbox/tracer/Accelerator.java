package dev.detsim.sandbox.tracer;

import dev.detsim.sandbox.api.Disposition;
import dev.detsim.sandbox.arch.Registers;
import dev.detsim.sandbox.syscall.SeccompFilter;
import dev.detsim.sandbox.syscall.Syscall;
import java.util.Map;
import java.util.Set;

/**
 * A fast path that saves stops, or register writes, without changing what the program sees: the Go futex fast
 * path ({@link dev.detsim.sandbox.tracer.futex.FutexFastPath}). It may let calls run unstopped and then stands
 * in for what their stops would have told detsim. The tracer tells it of the running thread's stops and of the
 * calls it parks or answers, and asks it for cheaper ways to answer; it hears of processes as a listener. The
 * handlers' decisions are the same with it or without it.
 */
public interface Accelerator extends ProcessListener {
    /** {@link #kernelAnswer}'s "no". */
    long NO_ANSWER = Long.MIN_VALUE;

    /**
     * Before the program starts, with the seccomp filter's rules: may let some calls of syscalls in alwaysStop run
     * unstopped by moving them to stopOnlyWhen, if intercepted (--intercept) does not name them. Not called
     * when every syscall stops (--trace-syscalls).
     */
    void relaxFilter(Set<Syscall> alwaysStop, Map<Syscall, SeccompFilter.ArgumentFilter> stopOnlyWhen,
                     Set<Syscall> intercepted);

    /**
     * The running thread t stopped; atSeccomp: at a syscall's entry, which {@link #seccompStop} names once its
     * registers are read. resumes counts the tracer's resumes of threads so far.
     */
    void runningThreadStopped(TracedThread t, boolean atSeccomp, long resumes);

    /** The running thread t's seccomp stop at syscall s, its registers read, before any handler sees it. */
    void seccompStop(TracedThread t, Syscall s, Registers regs, long resumes);

    /** Thread t parks at the entry of its syscall (regs), as a handler decided (a Futex or Block disposition). */
    void parked(TracedThread t, Disposition d, Registers regs);

    /**
     * A handler answered t's syscall s with value after t's wait ended: the result the kernel gives at once if
     * the call runs instead, provided no thread is resumed before t (else the tracer answers with it), or
     * {@link #NO_ANSWER}. Saves writing t's registers.
     */
    long kernelAnswer(TracedThread t, Syscall s, long value, long resumes);

    /**
     * Makes t's syscall s, stopped at its entry with no register changed, return value by a cheaper change than
     * the tracer's (the number and the result written with every register); false if it knows none.
     */
    boolean answerCheaply(TracedThread t, Syscall s, long value);

    /** Whether the running thread of process tgid may wake a waiting thread without a stop (another could run). */
    boolean wakesUnseen(int tgid);
}
