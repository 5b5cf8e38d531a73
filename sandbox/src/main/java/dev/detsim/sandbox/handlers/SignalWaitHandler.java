package dev.detsim.sandbox.handlers;

import dev.detsim.abi.Timespec;
import dev.detsim.sandbox.syscall.Syscall;
import dev.detsim.sandbox.api.Disposition;
import dev.detsim.sandbox.tracer.SignalMasks;
import dev.detsim.sandbox.api.SyscallHandler;
import dev.detsim.sandbox.api.SyscallStop;
import dev.detsim.sandbox.world.Clocks;
import dev.detsim.scheduler.Deadline;
import dev.detsim.scheduler.WaitCondition;
import dev.detsim.scheduler.WakeUp;
import java.util.EnumSet;
import java.util.Set;

/**
 * pause, rt_sigsuspend and rt_sigtimedwait: the call runs in the kernel only once a signal that ends it is
 * pending; until then the thread waits in detsim (on the signals that would end it), and a timeout of
 * sigtimedwait is virtual.
 */
public final class SignalWaitHandler implements SyscallHandler {
    private static final byte[] ZERO_TIME = Timespec.ZERO.encode();
    private final Clocks clocks;

    public SignalWaitHandler(Clocks clocks) {
        this.clocks = clocks;
    }

    @Override
    public Set<Syscall> subscriptions() {
        return EnumSet.of(Syscall.PAUSE, Syscall.RT_SIGSUSPEND, Syscall.RT_SIGTIMEDWAIT);
    }

    @Override
    public Disposition onSyscall(SyscallStop stop) {
        WakeUp wake = stop.wakeUp().orElse(null);
        if (wake != null && wake.cause() != WakeUp.Cause.DEADLINE_PASSED) return Disposition.PASSTHROUGH;
        SignalMasks masks = SignalMasks.read(stop.tid());
        long awaited;
        Deadline deadline = Deadline.NONE;
        switch (stop.syscall()) {
            case PAUSE -> awaited = masks.interruptingUnder(masks.blocked());
            case RT_SIGSUSPEND -> {
                Long mask = stop.memory().readWord(stop.tid(), stop.argument(0));
                if (mask == null) return Disposition.PASSTHROUGH; // EFAULT from the kernel
                awaited = masks.interruptingUnder(mask);
            }
            case RT_SIGTIMEDWAIT -> {
                if (wake != null) { // the timeout passed: the kernel says EAGAIN
                    long scratch = stop.scratch(Timespec.SIZE);
                    stop.memory().writeScratch(stop.tid(), scratch, ZERO_TIME);
                    stop.setArgument(2, scratch);
                    return Disposition.PASSTHROUGH;
                }
                Long set = stop.memory().readWord(stop.tid(), stop.argument(0));
                if (set == null) return Disposition.PASSTHROUGH;
                awaited = set | masks.interruptingUnder(masks.blocked());
                if (stop.argument(2) != 0) {
                    long t = Timespec.nanosOf(stop.memory().read(stop.tid(), stop.argument(2), Timespec.SIZE));
                    if (t <= 0) return Disposition.PASSTHROUGH; // a poll, or EINVAL from the kernel
                    deadline = Deadline.after(clocks.virtualNow(), t);
                }
            }
            default -> {
                return Disposition.PASSTHROUGH;
            }
        }
        if ((masks.anyPending() & awaited) != 0) return Disposition.PASSTHROUGH;
        return Disposition.block(new WaitCondition.Signal(awaited), deadline);
    }
}
