package dev.detsim.sandbox.tracer;

import dev.detsim.sandbox.os.Posix;
import dev.detsim.sandbox.syscall.Syscall;
import dev.detsim.scheduler.ProcessId;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.function.Function;

/**
 * The tracer's side of timer delivery: sends a timer's signal from detsim into a stopped traced thread.
 * A process-directed timer signal goes to one thread chosen by creation order (the first that does not
 * block it), not to whichever thread the kernel would pick, so which thread handles it never depends on
 * host timing.
 */
final class TimerSignals implements TimerDelivery {
    private final Posix posix;
    private final Descriptors descriptors;
    private final MemorySegment info;
    /** A process's live threads (host tids) in creation order. */
    private final Function<ProcessId, List<Integer>> threadsOf;
    private boolean sent;

    TimerSignals(Posix posix, Arena arena, Descriptors descriptors, Function<ProcessId, List<Integer>> threadsOf) {
        this.posix = posix;
        this.descriptors = descriptors;
        this.info = arena.allocate(128, 8);
        this.threadsOf = threadsOf;
    }

    @Override
    public boolean signal(ProcessId process, int thread, int signal, byte[] siginfo) {
        List<Integer> tids = threadsOf.apply(process);
        if (tids.isEmpty()) return false;
        int tgid = tids.getFirst(); // the leader, where it is still alive; any thread names the group
        int target = thread;
        if (thread != 0) {
            if (!tids.contains(thread)) return false;
        } else {
            target = 0;
            for (int tid : tids) {
                if ((SignalMasks.read(tid).blocked() & SignalMasks.bit(signal)) == 0) {
                    target = tid;
                    break;
                }
            }
        }
        long r;
        if (siginfo == null) {
            r = target != 0 ? posix.tgkill(tgidOf(target, tgid), target, signal) : posix.kill(tgid, signal);
        } else {
            info.fill((byte) 0);
            MemorySegment.copy(MemorySegment.ofArray(siginfo), 0, info, 0, Math.min(128, siginfo.length));
            r = target != 0
                    ? posix.call(Syscall.RT_TGSIGQUEUEINFO, tgidOf(target, tgid), target, signal, info.address())
                    : posix.call(Syscall.RT_SIGQUEUEINFO, tgid, signal, info.address());
        }
        if (r == 0) sent = true;
        return r == 0;
    }

    @Override
    public boolean pending(ProcessId process, int thread, int signal) {
        for (int tid : threadsOf.apply(process)) {
            if (thread != 0 && tid != thread) continue;
            if ((SignalMasks.read(tid).anyPending() & SignalMasks.bit(signal)) != 0) return true;
        }
        return false;
    }

    /** The thread group of tid, from /proc (the first listed thread is not the leader once the leader exited). */
    private static int tgidOf(int tid, int fallback) {
        int tgid = TaskState.threadGroupOf(tid);
        return tgid > 0 ? tgid : fallback;
    }

    @Override
    public int anyThreadOf(ProcessId process) {
        List<Integer> tids = threadsOf.apply(process);
        return tids.isEmpty() ? 0 : tids.getFirst();
    }

    @Override
    public Descriptors descriptors() {
        return descriptors;
    }

    /** True (once) if a signal was sent since the last call: waiting threads must be checked. */
    boolean takeSent() {
        boolean s = sent;
        sent = false;
        return s;
    }
}
