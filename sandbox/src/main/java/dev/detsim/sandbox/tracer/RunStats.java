package dev.detsim.sandbox.tracer;

/**
 * What the tracer counted during one run, for reports (detsim run --stats) and the feasibility harness.
 *
 * @param threadsCreated every thread the program had, the first one included
 * @param processesCreated every process (thread group) the program had, the first one included
 * @param peakLiveThreads the most threads alive at once, as the tracer saw them
 * @param syscallStops syscalls that stopped at the tracer
 * @param nondeterministicPreemptions threads the wall-clock watchdog had to stop (each makes the run unrepeatable)
 * @param virtualNanos virtual time at the end of the run
 * @param branchCounters what the probe for retired-branch counters found ({@link BranchCounters#describe})
 */
public record RunStats(int threadsCreated, int processesCreated, int peakLiveThreads, long syscallStops,
                       int nondeterministicPreemptions, long virtualNanos, String branchCounters) {
    /** One JSON object, keys in this record's order. */
    public String toJson() {
        return "{\"threadsCreated\":" + threadsCreated + ",\"processesCreated\":" + processesCreated
                + ",\"peakLiveThreads\":" + peakLiveThreads + ",\"syscallStops\":" + syscallStops
                + ",\"nondeterministicPreemptions\":" + nondeterministicPreemptions
                + ",\"virtualNanos\":" + virtualNanos + ",\"branchCounters\":\"" + branchCounters.replace("\\", "\\\\")
                .replace("\"", "\\\"") + "\"}";
    }
}
