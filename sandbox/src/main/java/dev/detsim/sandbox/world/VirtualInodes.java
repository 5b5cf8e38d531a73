package dev.detsim.sandbox.world;

import java.util.HashMap;
import java.util.Map;

/**
 * Inode and device numbers as the program sees them: the host's (device, inode) pairs numbered 1, 2, ... in
 * the order the program first meets them, and the host's devices numbered 0:1, 0:2, ... likewise. Host
 * numbers depend on the disk's history (which inode the file system hands out, which device a mount got);
 * first-sight numbers depend only on what the program did.
 *
 * <p>When a file is created the host may hand out an inode number that a file deleted earlier in the run
 * had, or may not: {@link #renumber} gives the new file a number of its own either way, so that whether
 * the host reused the inode does not show.
 *
 * <p>Device numbers are the kernel's dev_t as glibc encodes it (major and minor in {@link #major} and
 * {@link #minor}), the form struct stat carries; statx's separate major/minor go through {@link #makedev}.
 */
public final class VirtualInodes {
    private final Map<HostInode, Long> inodes = new HashMap<>();
    private final Map<Long, Long> devices = new HashMap<>();
    private final Map<Long, Long> aliases = new HashMap<>();
    private long lastInode;
    private long lastDevice;

    /** The virtual inode number of host inode (device, inode), numbering it if it is new. */
    public long inode(long device, long inode) {
        HostInode key = new HostInode(aliases.getOrDefault(device, device), inode);
        Long n = inodes.get(key);
        if (n == null) inodes.put(key, n = ++lastInode);
        return n;
    }

    /** A file was just created at host inode (device, inode): it gets the next virtual number from now on. */
    public void renumber(long device, long inode) {
        inodes.put(new HostInode(aliases.getOrDefault(device, device), inode), ++lastInode);
    }

    /**
     * Host device overlay stands for host device original: replay restores the files a recorded run changed in
     * an overlay mount, on the same file system as the directory it covers, which keeps that file system's
     * inode numbers but has a device number of its own (docs/RECORDING.md).
     */
    public void alias(long overlay, long original) {
        aliases.put(overlay, original);
    }

    /** The virtual dev_t for host dev_t device: makedev(0, n) for the n-th device the program met. */
    public long device(long device) {
        device = aliases.getOrDefault(device, device);
        Long n = devices.get(device);
        if (n == null) devices.put(device, n = ++lastDevice);
        return makedev(0, n);
    }

    /** How many host inodes have virtual numbers (for tests and statistics). */
    public int size() {
        return inodes.size();
    }

    // glibc's dev_t encoding (sys/sysmacros.h), which is also what the kernel puts in struct stat on 64-bit.
    public static long major(long dev) {
        return ((dev >>> 8) & 0xfffL) | ((dev >>> 32) & ~0xfffL);
    }

    public static long minor(long dev) {
        return (dev & 0xffL) | ((dev >>> 12) & 0xffffff00L);
    }

    public static long makedev(long major, long minor) {
        return ((major & 0xfffL) << 8) | ((major & ~0xfffL) << 32) | (minor & 0xffL) | ((minor & ~0xffL) << 12);
    }
}
