package dev.detsim.sandbox.tracer;

import dev.detsim.sandbox.api.TimerDelivery;
import dev.detsim.sandbox.api.Descriptors;
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
    /** A process's live threads in creation order. */
    private final Function<ProcessId, List<Tracee>> threadsOf;
    private boolean sent;

    TimerSignals(Posix posix, Arena arena, Descriptors descriptors, Function<ProcessId, List<Tracee>> threadsOf) {
        this.posix = posix;
        this.descriptors = descriptors;
        this.info = arena.allocate(128, 8);
        this.threadsOf = threadsOf;
    }

    @Override
    public boolean signal(ProcessId process, int thread, int signal, byte[] siginfo) {
        List<Tracee> live = threadsOf.apply(process);
        if (live.isEmpty()) return false;
        int tgid = live.getFirst().tgid;
        int target = 0;
        for (Tracee t : live) {
            boolean chosen = thread != 0 ? t.tid == thread : (SignalMasks.read(t.tid).blocked() & SignalMasks.bit(signal)) == 0;
            if (chosen) {
                target = t.tid;
                break;
            }
        }
        if (thread != 0 && target == 0) return false; // that thread is gone
        long r;
        if (siginfo == null) {
            r = target != 0 ? posix.tgkill(tgid, target, signal) : posix.kill(tgid, signal);
        } else {
            info.fill((byte) 0);
            MemorySegment.copy(MemorySegment.ofArray(siginfo), 0, info, 0, Math.min(128, siginfo.length));
            r = target != 0
                    ? posix.call(Syscall.RT_TGSIGQUEUEINFO, tgid, target, signal, info.address())
                    : posix.call(Syscall.RT_SIGQUEUEINFO, tgid, signal, info.address());
        }
        if (r == 0) sent = true;
        return r == 0;
    }

    @Override
    public boolean pending(ProcessId process, int thread, int signal) {
        for (Tracee t : threadsOf.apply(process)) {
            if (thread != 0 && t.tid != thread) continue;
            if ((SignalMasks.read(t.tid).anyPending() & SignalMasks.bit(signal)) != 0) return true;
        }
        return false;
    }

    @Override
    public int anyThreadOf(ProcessId process) {
        List<Tracee> live = threadsOf.apply(process);
        return live.isEmpty() ? 0 : live.getFirst().tid;
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
