package dev.detsim.sandbox.world;

/**
 * The virtual wall clock: what CLOCK_REALTIME says now in the program's world. File times under detsim
 * come from it, so a file changed during the run carries the virtual time of that change.
 */
public interface WorldClock {
    /** 2000-01-01T00:00:00Z: the time a run starts at unless told otherwise (detsim's default --epoch). */
    long DEFAULT_EPOCH_SECONDS = 946_684_800L;

    /** Nanoseconds since the Unix epoch, in the program's world. */
    long realtimeNanos();
}
