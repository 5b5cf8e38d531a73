package dev.detsim.sandbox.tracer;

import dev.detsim.scheduler.ProcessId;
import dev.detsim.scheduler.Scheduler;
import dev.detsim.scheduler.ThreadId;
import dev.detsim.scheduler.ThreadState;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Every traced thread, by host tid and by virtual number, and the virtual numbers themselves: threads and
 * processes are numbered in the order detsim first sees them, which is the same in every run.
 */
final class ThreadTable {
    private final Map<Integer, Tracee> byTid = new HashMap<>();
    private final Map<ThreadId, Tracee> byId = new HashMap<>();
    private final Scheduler scheduler;
    private int threadsSeen;
    private int processesSeen;
    private int peakLive;

    ThreadTable(Scheduler scheduler) {
        this.scheduler = scheduler;
    }

    Tracee get(int tid) {
        return byTid.get(tid);
    }

    Tracee get(ThreadId id) {
        return byId.get(id);
    }

    void put(Tracee t) {
        byTid.put(t.tid, t);
    }

    Tracee remove(int tid) {
        return byTid.remove(tid);
    }

    boolean isEmpty() {
        return byTid.isEmpty();
    }

    Collection<Tracee> all() {
        return byTid.values();
    }

    /** Gives a new thread its virtual numbers and tells the scheduler. process null: a new process. */
    void register(Tracee t, ProcessId process) {
        t.id = new ThreadId(++threadsSeen);
        t.process = process != null ? process : new ProcessId(++processesSeen);
        byId.put(t.id, t);
        scheduler.spawn(t.id, t.process);
        int live = 0;
        for (Tracee x : byTid.values()) if (!x.gone) live++; // a loop: a stream's lambda is linked at first use
        peakLive = Math.max(peakLive, live);
    }

    /** The live threads of process, in creation order. */
    List<Tracee> liveThreadsOf(ProcessId process) {
        List<Tracee> live = new ArrayList<>();
        for (Tracee t : byTid.values()) {
            if (!t.gone && t.id != null && process.equals(t.process)) live.add(t);
        }
        live.sort((a, b) -> a.id.compareTo(b.id));
        return live;
    }

    /** Whether a thread of t's process other than t is still alive. */
    boolean othersLiveIn(Tracee t) {
        for (Tracee o : byTid.values()) if (o != t && o.tgid == t.tgid && !o.gone) return true;
        return false;
    }

    /** Whether some process has no live thread left but a death still to be reported (its leader's, last). */
    boolean processDying() {
        for (Tracee t : byTid.values()) {
            if (t.gone && !othersLiveIn(t)) return true;
        }
        return false;
    }

    /** A vfork parent waits until its child execs or exits: that child's process did. */
    void releaseVforkParent(ProcessId child) {
        for (Tracee p : byTid.values()) {
            if (p.id != null && child.equals(p.vforkChild) && scheduler.state(p.id) == ThreadState.BLOCKED) {
                scheduler.retry(p.id);
            }
        }
    }

    int threadsSeen() {
        return threadsSeen;
    }

    int processesSeen() {
        return processesSeen;
    }

    int peakLive() {
        return peakLive;
    }
}
