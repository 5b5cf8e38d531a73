package dev.detsim.sandbox.tracer;

import dev.detsim.sandbox.api.SyscallHandler;
import dev.detsim.sandbox.api.StopObserver;
import dev.detsim.sandbox.syscall.SeccompFilter;
import dev.detsim.sandbox.syscall.Syscall;
import dev.detsim.sandbox.tracer.clock.TimeStampCounter;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.TreeSet;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which code sees which syscall: the tracer's own (threads coming and going, signals sent), then the
 * handlers in priority order. The seccomp filter is generated from this table: only what someone here
 * subscribed to stops the program.
 *
 * <p>Public only for {@link #dispatchOrder}, which lists the table without running a program
 * ({@code detsim syscalls}).
 */
public final class HandlerTable {
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
    private final List<dev.detsim.sandbox.api.OutsideWatch> outsideWatches = new ArrayList<>();

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
            if (h instanceof dev.detsim.sandbox.api.OutsideWatch w) outsideWatches.add(w);
        }
    }

    List<SyscallHandler> handlers() {
        return handlers;
    }

    List<StopObserver> stopObservers() {
        return stopObservers;
    }

    /** Handlers that keep or play outside peers: told before each of detsim's looks at the outside world. */
    List<dev.detsim.sandbox.api.OutsideWatch> outsideWatches() {
        return outsideWatches;
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

    /** The handler chain of a run: the given handlers, then the tracer's own (the program's PR_SET_TSC). */
    static List<SyscallHandler> withTracersOwn(List<SyscallHandler> handlers, TimeStampCounter timeStampCounter) {
        List<SyscallHandler> all = new ArrayList<>(handlers);
        all.add(timeStampCounter);
        return all;
    }

    /** Who stands for the tracer's own syscalls ({@link #OWN}) in {@link #dispatchOrder}. */
    public static final String TRACER = "tracer";

    /**
     * Who sees each syscall that stops, in dispatch order, for the handler chain handlers: {@value #TRACER}
     * first for the tracer's own, then each handler's simple class name, followed by " (only when argN in
     * {...})" where the handler subscribed for some argument values only ({@link SyscallHandler#onlyWhen()}).
     * The tracer's own handlers come last, as {@link #withTracersOwn} puts them for a run. Syscalls that nobody
     * subscribed to are absent.
     */
    public static Map<Syscall, List<String>> dispatchOrder(List<SyscallHandler> handlers) {
        HandlerTable table = new HandlerTable(withTracersOwn(handlers, new TimeStampCounter(false, null, () -> 0, null)),
                EnumSet.noneOf(Syscall.class));
        Map<Syscall, List<String>> order = new EnumMap<>(Syscall.class);
        for (Syscall s : table.tracedSyscalls()) {
            List<String> names = new ArrayList<>();
            if (isOwn(s)) names.add(TRACER);
            SyscallHandler[] subscribers = table.of(s);
            if (subscribers != null) {
                for (SyscallHandler h : subscribers) {
                    SeccompFilter.ArgumentFilter f = h.onlyWhen().get(s);
                    names.add(h.getClass().getSimpleName() + (f == null ? "" : " (only when " + describe(f) + ")"));
                }
            }
            order.put(s, List.copyOf(names));
        }
        return order;
    }

    private static String describe(SeccompFilter.ArgumentFilter f) {
        StringBuilder b = new StringBuilder("arg").append(f.index()).append(f.except() ? " not in {" : " in {");
        String sep = "";
        for (int v : new TreeSet<>(f.values())) {
            b.append(sep).append(v);
            sep = ",";
        }
        return b.append('}').toString();
    }
}
