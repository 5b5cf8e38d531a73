package dev.detsim.sandbox.tracer.futex;

import dev.detsim.sandbox.api.Disposition;
import dev.detsim.sandbox.arch.Arch;
import dev.detsim.sandbox.arch.Registers;
import dev.detsim.sandbox.arch.VdsoStubs;
import dev.detsim.abi.Errno;
import dev.detsim.sandbox.os.Posix;
import dev.detsim.sandbox.syscall.SeccompFilter;
import dev.detsim.sandbox.syscall.Syscall;
import dev.detsim.sandbox.tracer.Accelerator;
import dev.detsim.sandbox.tracer.NewProgram;
import dev.detsim.sandbox.tracer.PtraceMemory;
import dev.detsim.sandbox.tracer.TracedThread;
import dev.detsim.scheduler.FutexOp;
import dev.detsim.scheduler.Scheduler;
import java.util.Map;
import java.util.Set;

/**
 * The futex fast paths. In every program, a futex call detsim answers with 0 becomes a wake of nobody: one
 * argument written instead of every register. In Go programs, futex wakes run unstopped in the kernel and
 * {@link FutexWordWatch} wakes the waiters whose words changed, at the running thread's next stop; a waiter it
 * woke runs its wait in the kernel, which returns EAGAIN at once.
 */
public final class FutexFastPath implements Accelerator {
    private final Arch arch;
    private final Posix posix;
    private final VdsoStubs stubs;
    private final Scheduler scheduler;
    private final PtraceMemory memory;
    /** The word watch, once {@link #relaxFilter} let Go's wakes run; null: every futex call stops. */
    private FutexWordWatch watch;
    /** The running thread's seccomp stop is due to the word watch, after its registers are read. */
    private boolean watchDue;

    /** stubs: the injected-syscall stubs the watch adds its filter with at each exec, null where there are none. */
    public FutexFastPath(Arch arch, Posix posix, VdsoStubs stubs, Scheduler scheduler, PtraceMemory memory) {
        this.arch = arch;
        this.posix = posix;
        this.stubs = stubs;
        this.scheduler = scheduler;
        this.memory = memory;
    }

    /** Futex wakes run unstopped (the first filter's rule) unless futex is intercepted or nothing needs it. */
    @Override
    public void relaxFilter(Set<Syscall> alwaysStop, Map<Syscall, SeccompFilter.ArgumentFilter> stopOnlyWhen,
                            Set<Syscall> intercepted) {
        if (stubs == null || !alwaysStop.contains(Syscall.FUTEX) || intercepted.contains(Syscall.FUTEX)) return;
        watch = new FutexWordWatch(arch, stubs, scheduler, memory);
        alwaysStop.remove(Syscall.FUTEX);
        stopOnlyWhen.put(Syscall.FUTEX, FutexWordWatch.FIRST_FILTER_RULE);
    }

    @Override
    public void runningThreadStopped(TracedThread t, boolean atSeccomp, long resumes) {
        if (watch == null) return;
        // At a seccomp stop the watch reads after PTRACE_GET_SYSCALL_INFO, with the word a wait waits on.
        watchDue = atSeccomp;
        if (!watchDue) watch.runningThreadStopped(t, 0, resumes);
    }

    @Override
    public void seccompStop(TracedThread t, Syscall s, Registers regs, long resumes) {
        if (!watchDue) return;
        watchDue = false;
        watch.runningThreadStopped(t, FutexWordWatch.waitedWord(s, regs), resumes);
    }

    /** A futex wait at Go's futex site is watched: its wake will not stop. */
    @Override
    public void parked(TracedThread t, Disposition d, Registers regs) {
        if (watch != null && d instanceof Disposition.Futex f && f.op() instanceof FutexOp.Wait w) {
            watch.parked(t, w.key(), (int) regs.argument(2), regs.instructionPointer());
        }
    }

    /**
     * A wait the word watch ended, and no thread has run since it read the word changed: if none runs before
     * this one resumes, the kernel runs the wait, finds the word no longer holds the value and returns EAGAIN
     * at once; the Go runtime ignores the result.
     */
    @Override
    public long kernelAnswer(TracedThread t, Syscall s, long value, long resumes) {
        if (value == 0 && s == Syscall.FUTEX && watch != null && watch.kernelAnswers(t.id(), resumes)) {
            return -Errno.EAGAIN;
        }
        return NO_ANSWER;
    }

    /**
     * A futex call whose answer is 0 (a woken wait, above all) becomes a wake of nobody (every waiter is
     * detsim's), which returns the same 0: one register written instead of all of them read and written.
     */
    @Override
    public boolean answerCheaply(TracedThread t, Syscall s, long value) {
        return s == Syscall.FUTEX && value == 0
                && arch.storeArgument(posix, t.tid(), 1, dev.detsim.abi.Futex.FUTEX_WAKE_PRIVATE) >= 0;
    }

    @Override
    public boolean wakesUnseen(int tgid) {
        return watch != null && watch.watches(tgid);
    }

    @Override
    public void forked(int parentTgid, int childTgid) {
        if (watch != null) watch.forked(parentTgid, childTgid);
    }

    @Override
    public void execed(NewProgram program) {
        if (watch != null) watch.execed(program);
    }

    @Override
    public void exited(int tgid) {
        if (watch != null) watch.exited(tgid);
    }

    /** Waits ended because their word changed, over the run. */
    public long wordWakes() {
        return watch == null ? 0 : watch.wakes();
    }
}
