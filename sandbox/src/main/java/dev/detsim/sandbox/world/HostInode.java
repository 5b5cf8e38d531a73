package dev.detsim.sandbox.world;

/**
 * A file on the host as the kernel names it, (st_dev, st_ino): the key under which the world keeps a file's
 * virtual inode number and times.
 */
record HostInode(long device, long inode) {
    // Written out: a record's generated equals/hashCode is bootstrapped through invokedynamic at its first
    // call in every run (the AOT cache does not keep it), which cost the tracer's first turns milliseconds.
    @Override
    public boolean equals(Object o) {
        return o instanceof HostInode other && device == other.device && inode == other.inode;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(device) * 31 + Long.hashCode(inode);
    }
}
