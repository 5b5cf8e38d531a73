package dev.detsim.sandbox.tracer;

import static dev.detsim.abi.Wait.WALL;
import static dev.detsim.abi.Wait.WNOTHREAD;

import static dev.detsim.sandbox.os.Ptrace.*;

import dev.detsim.recorder.EventKind;
import dev.detsim.abi.Errno;
import dev.detsim.abi.Signals;
import dev.detsim.sandbox.syscall.Syscall;
import dev.detsim.scheduler.FutexKey;
import dev.detsim.scheduler.FutexOp;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Threads and processes leaving the run: exit(2) of one thread, deaths reported by waitpid, the first
 * process's end (and what it leaves running, which is killed: nothing traced outlives detsim), a failed exec
 * of the first program, and the end of the pid namespace.
 */
final class Exits {
    /** Hands a wait status detsim reaped itself to the tracer's router, as if its loop had. */
    interface Reporter {
        void report(int tid, int status);
    }

    private final TracedRun run;
    private final Turns turns;
    private final Reporter reporter;
    int rootPid = -1;
    /** Host pid of the pid namespace's init (not traced; it exits when the namespace is empty), or 0. */
    int initPid;
    int execErrorFd = -1;
    int rootStatus = -1;
    int leftoverKilled;

    Exits(TracedRun run, Turns turns, Reporter reporter) {
        this.run = run;
        this.turns = turns;
        this.reporter = reporter;
    }

    /**
     * exit(2) of one thread. The scheduler forgets it now; the kernel clears its CLONE_CHILD_CLEARTID word
     * when it is gone, and then detsim does the futex wake the kernel would have done (pthread_join waits on
     * that word in detsim's queues, not the kernel's).
     */
    void threadExits(Tracee t) {
        run.events.record(t.number(), EventKind.EXIT, "thread " + run.regs.argument(0));
        if (run.printer != null) run.printer.begin(t, Syscall.EXIT, run.regs);
        turns.markGone(t);
        run.watchdog.disarm();
        turns.current = null;
        t.held = false;
        long cleared = t.clearChildTid;
        boolean othersLive = run.threads.othersLiveIn(t);
        turns.resume(t, 0);
        if (t.isLeader() && othersLive) {
            awaitZombie(t.tid); // a leader's death is reported only after its whole group's
        } else {
            while (true) {
                int r = run.posix.waitpid(t.tid, WALL | WNOTHREAD);
                if (r == -Errno.EINTR) continue;
                if (r > 0 && stopped(run.posix.lastWaitStatus())) { // a late stop on its way out
                    turns.resume(t, 0);
                    continue;
                }
                if (r > 0) reporter.report(r, run.posix.lastWaitStatus());
                break;
            }
        }
        if (cleared != 0 && othersLive) {
            run.scheduler.futex(t.id, new FutexOp.Wake(FutexKey.privateTo(t.process, cleared), 1));
        }
    }

    private static void awaitZombie(int tid) {
        for (int i = 0; i < 20_000 && !TaskState.hasExited(tid); i++) {
            java.util.concurrent.locks.LockSupport.parkNanos(50_000);
        }
    }

    Reporter reporter() {
        return reporter;
    }

    /** waitpid reported tid dead. */
    void onExit(int tid, int status) throws SpawnException {
        if (tid == initPid) { // reaped by the loop's waitpid(-1): nothing of the namespace is left
            initPid = 0;
            return;
        }
        onExitQuietly(tid, status);
        if (tid != rootPid) return;
        if (execErrorFd >= 0) checkExecFailed(); // exited before reaching its program
        rootStatus = status;
        turns.rootDone = true;
        leftoverKilled += killAllProcesses();
    }

    /** Forgets a dead thread (and, for a leader, its process); the thread, or null if it was not traced. */
    Tracee onExitQuietly(int tid, int status) {
        Tracee t = run.threads.remove(tid);
        run.descriptors.forget(tid);
        if (t == null) return null;
        if (run.ticks != null) run.ticks.close(t.ticks);
        if (run.sites != null) run.sites.close(t.ticks);
        if (run.replay != null) run.replay.disarm(t.ticks);
        if (!t.gone) {
            // A fatal signal takes the whole process, and which of its threads the kernel reports first varies:
            // the event goes to the process's first-numbered live thread, the same in every run.
            run.events.record(signaled(status) ? firstOfProcess(t).number() : t.number(), EventKind.EXIT, signaled(status)
                    ? "killed " + Signals.name(termSignal(status)) : "exit " + exitCode(status));
            turns.markGone(t);
            if (signaled(status)) turns.markSiblingsGone(t); // a fatal signal takes the whole process
        }
        if (turns.current == t) {
            run.watchdog.disarm();
            turns.current = null;
        }
        if (t.pendingSyscall != null && run.printer != null) run.printer.finishUnreturned(t);
        if (t.isLeader() && t.process != null) { // the whole process is gone: its parent may wait for it
            turns.signalCheckDue = true;
            for (ProcessListener l : run.processListeners) l.exited(t.tgid);
            run.scheduler.timers().disarmAll(t.process); // its timers die with it
            if (t.parent != null) run.scheduler.childExited(t.parent, t.process);
            run.threads.releaseVforkParent(t.process);
        }
        return t;
    }

    /** Of t and the threads of its process not yet gone, the one with the lowest number. */
    private Tracee firstOfProcess(Tracee t) {
        Tracee first = t;
        for (Tracee other : run.threads.all()) {
            if (other.tgid == t.tgid && !other.gone && other.number() < first.number()) first = other;
        }
        return first;
    }

    /** The root exited before PTRACE_EVENT_EXEC: if the error pipe holds {stage, errno}, exec failed. */
    private void checkExecFailed() throws SpawnException {
        MemorySegment buf = run.arena.allocate(8, 4);
        long n = run.posix.read(execErrorFd, buf, 8);
        closeExecErrorPipe();
        if (n == 8) {
            int stage = buf.get(ValueLayout.JAVA_INT, 0);
            int errno = buf.get(ValueLayout.JAVA_INT, 4);
            String what = switch (stage) {
                case 4 -> "cannot install the seccomp filter";
                case 3 -> "cannot set no_new_privs";
                case 5 -> "cannot execute";
                case 6 -> "cannot turn off address-space randomisation";
                case 7 -> "cannot make rdtsc trap (PR_SET_TSC)";
                default -> "cannot prepare the child";
            };
            throw new SpawnException(what, errno);
        }
    }

    /** The first program's exec succeeded (the pipe was closed on exec), or the run is over. */
    void closeExecErrorPipe() {
        if (execErrorFd < 0) return;
        run.posix.close(execErrorFd);
        execErrorFd = -1;
    }

    /** A deadlock: nothing can go on. Kill the whole tree; the root's death ends the run. */
    void killEverything() {
        turns.rootDone = true;
        // Their deaths come in the kernel's order, which varies: the deadlock event is the log's last.
        for (Tracee t : List.copyOf(run.threads.all())) if (!t.gone) turns.markGone(t);
        killAllProcesses();
    }

    /** SIGKILLs every traced process and lets the held threads reach it; how many processes it killed. */
    private int killAllProcesses() {
        Set<Integer> processes = new HashSet<>();
        int killed = 0;
        for (Tracee t : List.copyOf(run.threads.all())) {
            int process = t.tgid != 0 ? t.tgid : t.tid;
            if (processes.add(process) && run.posix.kill(process, Signals.SIGKILL) == 0) killed++;
        }
        for (Tracee t : run.threads.all()) if (t.held) turns.resume(t, 0);
        return killed;
    }

    /**
     * The namespace's init exits by itself once the namespace is empty; SIGKILL makes sure (and kills whatever
     * is left, which the kernel does when init dies), then detsim reaps it. When the run ends early (an error,
     * a replay that parted from its recording) traced processes may be left: init's death waits until each is
     * reaped, and only their tracer, this thread, can reap them — so everything is reaped until init is.
     */
    void endNamespace() {
        if (initPid <= 0) return;
        run.posix.kill(initPid, Signals.SIGKILL);
        for (int pid; (pid = run.posix.waitpid(-1, WALL | WNOTHREAD)) > 0 && pid != initPid; ) {
            // a tracee's last report: it is reaped, so init can finish dying
        }
        initPid = 0;
    }
}
