package dev.detsim.recorder;

/** Sees every event as the log appends it, with its chain value; replay checks a run against a recording so. */
public interface EventCheck {
    /** Event index was appended; chain is the chain value after it (32 bytes, not to be kept). May throw. */
    void appended(long index, byte[] chain, EventLine line);

    /** The run ended after count events. May throw. */
    void ended(long count);
}
