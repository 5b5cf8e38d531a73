package dev.detsim.sandbox.handlers;

import dev.detsim.abi.Signals;
import dev.detsim.sandbox.api.Disposition;
import dev.detsim.sandbox.tracer.SignalMasks;
import dev.detsim.sandbox.api.SyscallStop;

/**
 * The signal mask a call waits under: ppoll, pselect6, epoll_pwait, epoll_pwait2 and io_pgetevents swap it in
 * for the wait and restore the thread's own mask after it. GNU make blocks SIGCHLD and unblocks it only through
 * pselect6's mask: a wait that kept the thread's own mask would never see its children exit.
 */
final class CallSignalMask {
    private CallSignalMask() {}

    /**
     * What to do with a call that would park as blocked, given the mask it names (pointer 0: none, the
     * thread's own). A bad size or pointer runs the call, so the kernel gives its EINVAL or EFAULT; a signal
     * already pending that the mask lets through runs it too (the kernel returns EINTR and runs the handler).
     * Otherwise the wait is parked under that mask.
     */
    static Disposition park(SyscallStop stop, long pointer, long size, Disposition blocked) {
        if (!(blocked instanceof Disposition.Block) || pointer == 0) return blocked;
        if (size != Signals.SIGSET_SIZE) return Disposition.PASSTHROUGH;
        Long mask = stop.memory().readWord(stop.tid(), pointer);
        if (mask == null) return Disposition.PASSTHROUGH;
        SignalMasks masks = SignalMasks.read(stop.tid());
        if ((masks.anyPending() & masks.interruptingUnder(mask)) != 0) return Disposition.PASSTHROUGH;
        stop.waitUnderSignalMask(mask);
        return blocked;
    }

    /** pselect6 and io_pgetevents pass the mask as a {pointer, size} pair at address (0: none). */
    static Disposition parkWithPair(SyscallStop stop, long address, Disposition blocked) {
        if (!(blocked instanceof Disposition.Block) || address == 0) return blocked;
        Long pointer = stop.memory().readWord(stop.tid(), address);
        Long size = stop.memory().readWord(stop.tid(), address + 8);
        if (pointer == null || size == null) return Disposition.PASSTHROUGH;
        return park(stop, pointer, size, blocked);
    }
}
