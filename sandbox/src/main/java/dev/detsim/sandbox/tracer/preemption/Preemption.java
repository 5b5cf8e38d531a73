package dev.detsim.sandbox.tracer.preemption;

/**
 * How the tracer preempts a thread that runs long without a syscall while another could run.
 *
 * @param ticks the counter it preempts by at points that are the same in every run ({@link TickCounters}), or
 *     null; the wall-clock watchdog stays as the fallback either way (a thread the counter does not see, a
 *     thread blocked in the kernel), and its preemptions are counted as nondeterministic
 * @param branchCounters what the probe for retired-branch counters found, for reports
 */
public record Preemption(TickSource ticks, BranchCounters branchCounters) {
    /** Retired-branch counters where this machine has them, else the watchdog alone. */
    public static Preemption auto() {
        BranchCounters found = BranchCounters.detect();
        return new Preemption(found.source(), found);
    }

    /** For people: what preempts, e.g. "by retired conditional branches (...)" or "by the wall-clock watchdog only". */
    public String describe() {
        return ticks != null ? "deterministic preemption by " + ticks.description()
                : "preemption by the wall-clock watchdog only";
    }
}
