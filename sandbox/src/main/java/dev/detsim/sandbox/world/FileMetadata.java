package dev.detsim.sandbox.world;

import dev.detsim.abi.Time;

/**
 * File metadata in the program's world: virtual inode and device numbers, file times, and the clock
 * that stamps changes. The stat, directory and change-tracking handlers share one.
 */
public final class FileMetadata {
    private final Clocks clocks;
    private final VirtualInodes inodes = new VirtualInodes();
    private final FileTimes times;

    /** Files that existed before the run show the run's start (CLOCK_REALTIME at virtual time 0) for every time. */
    public FileMetadata(Clocks clocks) {
        this.clocks = clocks;
        this.times = new FileTimes(clocks.now(Time.CLOCK_REALTIME) - clocks.virtualNow());
    }

    /** The virtual time now, in nanoseconds since the Unix epoch. */
    public long now() {
        return clocks.now(Time.CLOCK_REALTIME);
    }

    public VirtualInodes inodes() {
        return inodes;
    }

    public FileTimes times() {
        return times;
    }
}
