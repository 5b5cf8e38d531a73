package dev.detsim.sandbox.api;

import dev.detsim.sandbox.syscall.Syscall;
import dev.detsim.scheduler.TimerKey;
import java.util.Set;

/**
 * A family handler: it names the syscalls it needs to see (only those stop the tracee; the seccomp
 * filter is generated from the union) and decides each one at its entry stop. Handlers return a
 * {@link Disposition}; several handlers may subscribe to one syscall: they are asked in priority order until
 * one answers it (emulate or fail), and argument changes accumulate. Guest-visible errors are values ({@code Disposition.fail(errno)}), never thrown.
 */
public interface SyscallHandler {
    Set<Syscall> subscriptions();

    Disposition onSyscall(SyscallStop stop);

    /**
     * Those subscriptions the handler needs only when an argument has certain values (fcntl only for its
     * blocking lock commands, say): the seccomp filter lets the others run without a stop, unless another
     * handler wants the syscall always.
     */
    default java.util.Map<Syscall, dev.detsim.sandbox.syscall.SeccompFilter.ArgumentFilter> onlyWhen() {
        return java.util.Map.of();
    }

    /** Called when a thread has just exec'd a new program, before its first instruction. */
    default void onExec(ExecStop exec) {}

    /**
     * A timer expired on the virtual clock: one that this handler armed in the scheduler's
     * {@link dev.detsim.scheduler.TimerQueue} (handlers ignore keys of families they do not own), armed for
     * expiredAt (no later than now). It is already disarmed; a periodic timer re-arms itself here.
     */
    default void onTimer(TimerKey key, long expiredAt, TimerDelivery delivery) {}
}
