package dev.detsim.cli;

import dev.detsim.scheduler.ScheduleScript;
import dev.detsim.scheduler.ScheduleScript.Switch;
import dev.detsim.scheduler.ThreadId;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Shrinks a failing schedule (its switches, {@link ScheduleScript}) to a 1-minimal one and then to the
 * critical pair, judging every candidate by running it: nothing is assumed to fail that was not seen failing.
 *
 * <ol>
 *   <li>per thread, where at most {@link #PER_THREAD_MAX} threads have switches: all switches to one thread
 *       dropped at once, thread by thread (a race involves few threads, so this removes many in a few runs);
 *   <li>ddmin (Zeller and Hildebrandt, "Simplifying and Isolating Failure-Inducing Input", 2002) over what is
 *       left: the result fails, and so no single switch of it can be dropped (each such candidate was run and
 *       passed), unless the run budget ran out first;
 *   <li>the critical pair: at the last switch thread B runs instead of A; adding a switch back to A after B's
 *       k-th step, the smallest k that still fails (exponential, then binary search) names the two steps whose
 *       order decides: A's next step before B's k-th passes, after it fails.
 * </ol>
 */
final class ScheduleShrinker {
    /** Runs one candidate schedule. */
    interface Oracle {
        /** Whether the run under script fails as the original did; null once the run budget is spent. */
        Boolean fails(ScheduleScript script) throws Exception;

        /** The thread that would have run at decision, a switch of script, but for it; null: budget spent. */
        ThreadId displaced(ScheduleScript script, long decision) throws Exception;
    }

    /**
     * The critical pair, as schedules: under failing, second's step at decision comes before first's next
     * step, and the run fails; under passing, first goes one step earlier (or is not switched away from at
     * all), and the run passes.
     */
    record Pair(ScheduleScript failing, ScheduleScript passing, long decision, ThreadId first, ThreadId second) {}

    /**
     * What shrinking found.
     *
     * @param minimal the 1-minimal failing schedule (when oneMinimal), else the smallest failing one seen
     * @param oneMinimal whether every single switch of minimal was dropped in a run that passed
     * @param pair the critical pair, or null (no switch left, or the budget ran out)
     */
    record Result(ScheduleScript original, ScheduleScript minimal, boolean oneMinimal, Pair pair) {}

    private final Oracle oracle;

    ScheduleShrinker(Oracle oracle) {
        this.oracle = oracle;
    }

    /** Shrinks original, which must fail. */
    Result shrink(ScheduleScript original) throws Exception {
        List<Switch> current = new ArrayList<>(original.switches());
        Boolean emptyFails = current.isEmpty() ? Boolean.TRUE : oracle.fails(new ScheduleScript(List.of()));
        if (emptyFails == null) return new Result(original, original, false, null);
        if (emptyFails) return new Result(original, new ScheduleScript(List.of()), true, null);
        current = perThread(current);
        if (current == null) return new Result(original, original, false, null);
        Minimal m = ddmin(current);
        ScheduleScript minimal = new ScheduleScript(m.switches);
        Pair pair = m.oneMinimal ? pair(m.switches) : null;
        return new Result(original, minimal, m.oneMinimal, pair);
    }

    /**
     * Threads up to which the per-thread pass runs: it costs a run per thread, which pays where few threads
     * share the switches (a racy guest's 4), not across a server's dozens of processes, where ddmin's halves
     * cut faster.
     */
    static final int PER_THREAD_MAX = 8;

    /** Drops every thread's switches where the run still fails without them; null when the budget ran out. */
    private List<Switch> perThread(List<Switch> switches) throws Exception {
        Set<ThreadId> threads = new LinkedHashSet<>();
        for (Switch s : switches) threads.add(s.thread());
        if (threads.size() < 2 || threads.size() > PER_THREAD_MAX) return switches;
        List<Switch> current = switches;
        for (ThreadId t : threads) {
            List<Switch> without = current.stream().filter(s -> !s.thread().equals(t)).toList();
            if (without.isEmpty()) continue;
            Boolean fails = oracle.fails(new ScheduleScript(without));
            if (fails == null) return null;
            if (fails) current = without;
        }
        return current;
    }

    private record Minimal(List<Switch> switches, boolean oneMinimal) {}

    private Minimal ddmin(List<Switch> failing) throws Exception {
        List<Switch> c = failing;
        int n = 2;
        while (c.size() >= 2) {
            List<List<Switch>> chunks = split(c, Math.min(n, c.size()));
            boolean reduced = false;
            for (List<Switch> chunk : chunks) { // a subset that fails alone
                Boolean f = oracle.fails(new ScheduleScript(chunk));
                if (f == null) return new Minimal(c, false);
                if (f) {
                    c = chunk;
                    n = 2;
                    reduced = true;
                    break;
                }
            }
            if (reduced) continue;
            if (chunks.size() > 2) {
                for (int i = 0; i < chunks.size(); i++) { // a complement that fails
                    List<Switch> complement = complement(chunks, i);
                    Boolean f = oracle.fails(new ScheduleScript(complement));
                    if (f == null) return new Minimal(c, false);
                    if (f) {
                        c = complement;
                        n = Math.max(n - 1, 2);
                        reduced = true;
                        break;
                    }
                }
                if (reduced) continue;
            }
            if (chunks.size() >= c.size()) return new Minimal(c, true); // every single switch was tried without
            n = Math.min(2 * n, c.size());
        }
        // One switch left: it was seen failing; and without it (no switch at all) the run passed.
        return new Minimal(c, true);
    }

    /**
     * The critical pair for the last switch of a 1-minimal schedule: null if the budget runs out or no k up to
     * the search's limit fails (then the switch back itself changes what fails, and no pair is claimed).
     */
    private Pair pair(List<Switch> minimal) throws Exception {
        if (minimal.isEmpty()) return null;
        Switch last = minimal.get(minimal.size() - 1);
        ThreadId a = oracle.displaced(new ScheduleScript(minimal), last.decision());
        if (a == null) return null;
        // k = 1: back to A right after B's first step; passing bound lo, failing bound hi.
        long lo = 0, hi = -1;
        for (long k = 1; k <= 1L << 20; k *= 2) {
            Boolean f = oracle.fails(withSwitchBack(minimal, last.decision() + k, a));
            if (f == null) return null;
            if (f) {
                hi = k;
                break;
            }
            lo = k;
        }
        if (hi < 0) return null;
        while (hi - lo > 1) {
            long mid = (lo + hi) >>> 1;
            Boolean f = oracle.fails(withSwitchBack(minimal, last.decision() + mid, a));
            if (f == null) return null;
            if (f) hi = mid;
            else lo = mid;
        }
        ScheduleScript failing = withSwitchBack(minimal, last.decision() + hi, a);
        ScheduleScript passing = lo == 0 ? new ScheduleScript(minimal.subList(0, minimal.size() - 1))
                : withSwitchBack(minimal, last.decision() + lo, a);
        return new Pair(failing, passing, last.decision() + hi, a, last.thread());
    }

    private static ScheduleScript withSwitchBack(List<Switch> minimal, long decision, ThreadId to) {
        List<Switch> s = new ArrayList<>(minimal);
        s.add(new Switch(decision, to));
        return new ScheduleScript(s);
    }

    static List<List<Switch>> split(List<Switch> c, int n) {
        List<List<Switch>> chunks = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < n; i++) {
            int end = start + (c.size() - start) / (n - i);
            chunks.add(List.copyOf(c.subList(start, end)));
            start = end;
        }
        return chunks;
    }

    private static List<Switch> complement(List<List<Switch>> chunks, int skip) {
        List<Switch> rest = new ArrayList<>();
        for (int i = 0; i < chunks.size(); i++) if (i != skip) rest.addAll(chunks.get(i));
        return rest;
    }
}
