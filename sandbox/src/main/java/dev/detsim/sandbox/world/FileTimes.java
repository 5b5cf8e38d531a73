package dev.detsim.sandbox.world;

import java.util.HashMap;
import java.util.Map;

/**
 * The times files show under detsim, kept per host inode. A file the run has not changed shows the run's
 * start (the epoch) for every time; a change made during the run stamps the virtual time of the call that
 * made it (1 ns after the stop at its entry; data written without a stop: the time of the turn it was
 * written in), recorded by detsim (never read back from the host, whose timestamps are coarse and real).
 * Times the program sets itself (utimensat and friends) are shown exactly as it set them.
 *
 * <p>Access times behave as on a noatime mount: set when a file is created or by the program, never by
 * reading. All times are nanoseconds since the Unix epoch.
 */
public final class FileTimes {
    /** atime, mtime, ctime and btime (birth) of one file, in nanoseconds since the Unix epoch. */
    public record Times(long access, long modify, long change, long birth) {}

    private final Times unchanged;
    private final Map<HostInode, Times> changed = new HashMap<>();

    /** @param epochNanos the run's start: the time every file that existed before the run shows */
    public FileTimes(long epochNanos) {
        this.unchanged = new Times(epochNanos, epochNanos, epochNanos, epochNanos);
    }

    public Times of(long device, long inode) {
        return changed.getOrDefault(new HostInode(device, inode), unchanged);
    }

    /** A new file at host inode (device, inode), born at time now: every time is now. */
    public void created(long device, long inode, long now) {
        changed.put(new HostInode(device, inode), new Times(now, now, now, now));
    }

    /** The file's data changed (write, truncate; for a directory: an entry was added or removed). */
    public void modified(long device, long inode, long now) {
        Times t = of(device, inode);
        changed.put(new HostInode(device, inode), new Times(t.access(), now, now, t.birth()));
    }

    /** The file's inode changed (mode, owner, link count, rename): ctime only. */
    public void statusChanged(long device, long inode, long now) {
        Times t = of(device, inode);
        changed.put(new HostInode(device, inode), new Times(t.access(), t.modify(), now, t.birth()));
    }

    /**
     * The program set access and/or modification time itself (null: left as it was); the change time
     * becomes now, as the kernel does.
     */
    public void setByProgram(long device, long inode, Long access, Long modify, long now) {
        Times t = of(device, inode);
        changed.put(new HostInode(device, inode), new Times(access != null ? access : t.access(),
                modify != null ? modify : t.modify(), now, t.birth()));
    }
}
