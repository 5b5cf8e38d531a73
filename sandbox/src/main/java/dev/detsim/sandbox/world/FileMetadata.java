package dev.detsim.sandbox.world;

/**
 * File metadata in the program's world: virtual inode and device numbers, file times, and the clock
 * that stamps changes. The stat, directory and change-tracking handlers share one.
 */
public final class FileMetadata {
    private final WorldClock clock;
    private final VirtualInodes inodes = new VirtualInodes();
    private final FileTimes times;

    /** @param epochNanos the run's start, which files that existed before the run show for every time */
    public FileMetadata(WorldClock clock, long epochNanos) {
        this.clock = clock;
        this.times = new FileTimes(epochNanos);
    }

    /** The virtual time now, in nanoseconds since the Unix epoch. */
    public long now() {
        return clock.realtimeNanos();
    }

    public VirtualInodes inodes() {
        return inodes;
    }

    public FileTimes times() {
        return times;
    }
}
