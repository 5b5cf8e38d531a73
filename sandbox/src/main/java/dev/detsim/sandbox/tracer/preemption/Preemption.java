package dev.detsim.sandbox.tracer.preemption;

import java.util.List;

/**
 * How the tracer preempts a thread that runs long without a syscall while another could run.
 *
 * @param ticks the counter it preempts by at points that are the same in every run ({@link TickCounters}), or
 *     null; the wall-clock watchdog stays as the fallback either way (a thread the counter does not see, a
 *     thread blocked in the kernel), and its preemptions are counted as nondeterministic
 * @param branchCounters what the probe for retired-branch counters found, for reports
 * @param sites without ticks: the spin sites whose executions are counted ({@link SiteCounters}), or null
 * @param breakpoints what the probe for exact breakpoint counting found, or null where it was not tried
 * @param records watchdog preemptions to replay, and to keep for a recording; or null
 * @param chaosTicks with ticks, under --chaos: the seed from which each turn's first boundary is drawn
 *     ({@link TickCounters}); null: every turn's boundaries lie a quantum apart
 */
public record Preemption(TickSource ticks, BranchCounters branchCounters, SpinSites sites,
                         BreakpointCounting breakpoints, PreemptionRecords records, Long chaosTicks) {
    public Preemption(TickSource ticks, BranchCounters branchCounters) {
        this(ticks, branchCounters, null, null, null, null);
    }

    public Preemption(TickSource ticks, BranchCounters branchCounters, SpinSites sites, BreakpointCounting breakpoints) {
        this(ticks, branchCounters, sites, breakpoints, null, null);
    }

    /** This, keeping or replaying watchdog preemptions for record and replay. */
    public Preemption with(PreemptionRecords records) {
        return new Preemption(ticks, branchCounters, sites, breakpoints, records, chaosTicks);
    }

    /** This, with each turn's first tick boundary drawn from seed (--chaos: preemptions at seeded tick counts). */
    public Preemption withChaosTicks(long seed) {
        return new Preemption(ticks, branchCounters, sites, breakpoints, records, seed);
    }

    /** Retired-branch counters where this machine has them, else the watchdog alone. */
    public static Preemption auto() {
        return auto(List.of());
    }

    /**
     * Retired-branch counters where this machine has them; else counted slices at spin sites — given, and
     * learned where the watchdog finds a thread spinning — where breakpoints count exactly; else the watchdog.
     */
    public static Preemption auto(List<SpinSite> given) {
        BranchCounters found = BranchCounters.detect();
        if (found.available()) return new Preemption(found.source(), found);
        if (given.isEmpty()) return new Preemption(null, found, new SpinSites(given, true), null); // tried when needed
        BreakpointCounting bp = BreakpointCounting.detect();
        return new Preemption(null, found, bp.exact() ? new SpinSites(given, true) : null, bp);
    }

    /** The watchdog, counting only the given spin sites (none: the watchdog alone), learning none. */
    public static Preemption watchdog(List<SpinSite> given) {
        BranchCounters found = BranchCounters.detect();
        if (given.isEmpty()) return new Preemption(null, found);
        BreakpointCounting bp = BreakpointCounting.detect();
        return new Preemption(null, found, bp.exact() ? new SpinSites(given, false) : null, bp);
    }

    /** For people: what preempts, e.g. "by retired conditional branches (...)" or "by the wall-clock watchdog only". */
    public String describe() {
        if (ticks != null) {
            return "deterministic preemption by " + ticks.description()
                    + (chaosTicks != null ? " (under --chaos at a seeded count in each turn's first quantum)" : "");
        }
        if (sites != null) {
            return "counted slices at spin sites (every " + SiteCounters.QUANTUM + "th execution, breakpoint counters"
                    + (sites.learning() ? ", sites learned from the watchdog" : "") + "), else the wall-clock watchdog"
                    + (breakpoints == null ? " (breakpoints tried at the first spinning thread)" : "");
        }
        return "preemption by the wall-clock watchdog only"
                + (breakpoints != null && !breakpoints.exact() ? " (" + breakpoints.describe() + ")" : "");
    }
}
