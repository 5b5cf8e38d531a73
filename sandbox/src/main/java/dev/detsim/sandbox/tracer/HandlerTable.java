package dev.detsim.sandbox.tracer;

import dev.detsim.sandbox.api.SyscallHandler;
import dev.detsim.sandbox.api.StopObserver;
import dev.detsim.sandbox.syscall.SeccompFilter;
import dev.detsim.sandbox.syscall.Syscall;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which code sees which syscall: the tracer's own (threads coming and going, signals sent), then the
 * handlers in priority order. The seccomp filter is generated from this table: only what someone here
 * subscribed to stops the program.
 */
final class HandlerTable {
    /** The syscalls the tracer itself needs to see, whatever the handlers want. */
    static final Set<Syscall> OWN = EnumSet.of(Syscall.EXIT, Syscall.EXIT_GROUP, Syscall.SET_TID_ADDRESS,
            Syscall.SCHED_YIELD, Syscall.CLONE, Syscall.CLONE3, Syscall.KILL, Syscall.TKILL, Syscall.TGKILL,
            Syscall.RT_SIGQUEUEINFO, Syscall.RT_TGSIGQUEUEINFO, Syscall.PIDFD_SEND_SIGNAL);
    private static final boolean[] OWN_BY_ORDINAL = new boolean[Syscall.values().length];
    static {
        for (Syscall s : OWN) OWN_BY_ORDINAL[s.ordinal()] = true;
    }

    private final List<SyscallHandler> handlers;
    private final Set<Syscall> intercept;
    /** Per syscall, the handlers that subscribed to it, in priority order (null: none). */
    private final SyscallHandler[][] bySyscall = new SyscallHandler[Syscall.values().length][];
    private final List<StopObserver> stopObservers = new ArrayList<>();

    /**
     * @param handlers every handler, in priority order
     * @param intercept syscalls to stop on although no handler needs them (--intercept)
     */
    HandlerTable(List<SyscallHandler> handlers, Set<Syscall> intercept) {
        this.handlers = List.copyOf(handlers);
        this.intercept = intercept;
        for (SyscallHandler h : handlers) {
            for (Syscall s : h.subscriptions()) {
                SyscallHandler[] old = bySyscall[s.ordinal()];
                SyscallHandler[] now = old == null ? new SyscallHandler[1] : java.util.Arrays.copyOf(old, old.length + 1);
                now[now.length - 1] = h;
                bySyscall[s.ordinal()] = now;
            }
            if (h instanceof StopObserver o) stopObservers.add(o);
        }
    }

    List<SyscallHandler> handlers() {
        return handlers;
    }

    List<StopObserver> stopObservers() {
        return stopObservers;
    }

    /** The handlers of s in priority order, or null when none subscribed. */
    SyscallHandler[] of(Syscall s) {
        return bySyscall[s.ordinal()];
    }

    static boolean isOwn(Syscall s) {
        return OWN_BY_ORDINAL[s.ordinal()];
    }

    /**
     * Of {@link #tracedSyscalls()}, those that stop only when an argument matches: every subscriber asked for
     * it with a filter (see {@link SyscallHandler#onlyWhen()}) on the same argument, and neither the tracer
     * nor --intercept needs it always.
     */
    Map<Syscall, SeccompFilter.ArgumentFilter> conditionalSyscalls() {
        Map<Syscall, SeccompFilter.ArgumentFilter> merged = new EnumMap<>(Syscall.class);
        Set<Syscall> always = EnumSet.copyOf(OWN);
        always.addAll(intercept);
        for (SyscallHandler h : handlers) {
            for (Syscall s : h.subscriptions()) {
                SeccompFilter.ArgumentFilter f = h.onlyWhen().get(s);
                SeccompFilter.ArgumentFilter both = f == null || !merged.containsKey(s) ? f : merged.get(s).union(f);
                if (both == null) always.add(s); // unconditional, or filters on different arguments
                else merged.put(s, both);
            }
        }
        merged.keySet().removeAll(always);
        return merged;
    }

    /** The syscalls that stop the tracee: what the tracer and the handlers need plus --intercept. */
    Set<Syscall> tracedSyscalls() {
        Set<Syscall> traced = EnumSet.copyOf(OWN);
        for (SyscallHandler h : handlers) traced.addAll(h.subscriptions());
        traced.addAll(intercept);
        return traced;
    }
}
