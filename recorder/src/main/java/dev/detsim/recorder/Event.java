package dev.detsim.recorder;

/**
 * One intercepted event of a run, in canonical text form (what goes into the digest).
 *
 * @param seq 0-based position in the run
 * @param thread virtual thread number: threads are numbered 1, 2, ... in the order detsim first sees them
 * @param kind what happened: syscall, exec, exit, signal
 * @param detail the canonical description (no host pids, no timings)
 * @param chain the digest chain after this event (hex)
 */
public record Event(long seq, int thread, String kind, String detail, String chain) {}
