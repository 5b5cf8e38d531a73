package dev.detsim.sandbox.tracer;

/**
 * What the tracer counted during one run, for reports (detsim run --stats) and the feasibility harness.
 *
 * @param threadsCreated every thread the program had, the first one included
 * @param processesCreated every process (thread group) the program had, the first one included
 * @param peakLiveThreads the most threads alive at once, as the tracer saw them
 * @param syscallStops syscalls that stopped at the tracer
 * @param futexWordWakes futex waits ended because their word changed after a wake that did not stop (the Go
 *     runtime's, see FutexWordWatch)
 * @param nondeterministicPreemptions threads the wall-clock watchdog (or a tick counter's late interrupt) had
 *     to stop: each makes the run unrepeatable
 * @param deterministicPreemptions preemptions at a tick boundary, the same in every run
 * @param virtualNanos virtual time at the end of the run
 * @param branchCounters what the probe for retired-branch counters found ({@link BranchCounters#describe})
 * @param preemption what preempted threads ({@link dev.detsim.sandbox.tracer.preemption.Preemption#describe})
 * @param watchdogSite where the watchdog first stopped a thread ("FILE:0xOFFSET", {@link CodeSite}), or null
 * @param spinSites the spin sites the run counted executions of, given and learned ("PROGRAM@0xADDRESS",
 *     {@link dev.detsim.sandbox.tracer.preemption.SpinSite}): what a later run may count from its start
 * @param rdtsc how rdtsc reads virtual time: "trapped" (every rdtsc, the kernel faults on it) or "go-runtime-only"
 *     (only the rdtsc sites detsim patches in Go programs; other programs read the host's counter)
 * @param schedule the scheduling policy ({@link dev.detsim.scheduler.SchedulingPolicy#describe}): under chaos the
 *     --chaos-policy spec that, with the same seed, repeats the run's schedule
 * @param switches under chaos, the run's schedule as data ({@link dev.detsim.scheduler.ScheduleScript}'s text
 *     form), which --chaos-policy=script:FILE follows; null otherwise
 * @param crashSite where the program's first process crashed, when a signal raised for an instruction (or abort's
 *     SIGABRT) killed it: "FILE:0xOFFSET (function+0xN)" ({@link CrashSites}); null otherwise
 */
public record RunStats(int threadsCreated, int processesCreated, int peakLiveThreads, long syscallStops, long futexWordWakes,
                       int nondeterministicPreemptions, int deterministicPreemptions, long virtualNanos,
                       String branchCounters, String preemption, String watchdogSite, java.util.List<String> spinSites,
                       String rdtsc, String schedule, String switches, String crashSite) {
    /** One JSON object, keys in this record's order. */
    public String toJson() {
        return "{\"threadsCreated\":" + threadsCreated + ",\"processesCreated\":" + processesCreated
                + ",\"peakLiveThreads\":" + peakLiveThreads + ",\"syscallStops\":" + syscallStops
                + ",\"futexWordWakes\":" + futexWordWakes
                + ",\"nondeterministicPreemptions\":" + nondeterministicPreemptions
                + ",\"deterministicPreemptions\":" + deterministicPreemptions
                + ",\"virtualNanos\":" + virtualNanos + ",\"branchCounters\":" + string(branchCounters)
                + ",\"preemption\":" + string(preemption) + ",\"watchdogSite\":" + string(watchdogSite)
                + ",\"spinSites\":[" + String.join(",", spinSites.stream().map(RunStats::string).toList()) + "]"
                + ",\"rdtsc\":" + string(rdtsc) + ",\"schedule\":" + string(schedule)
                + ",\"switches\":" + string(switches) + ",\"crashSite\":" + string(crashSite) + "}";
    }

    private static String string(String s) {
        return s == null ? "null" : "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
