package dev.detsim.sandbox.handlers;

import java.util.ArrayDeque;

/** A listening socket of the run. */
final class OutsideListener {
    final int tgid, fd, copy;
    final long inode;
    final String address;
    int accepted;
    /** Record: the looks that first saw each connection still waiting to be accepted, oldest first. */
    final ArrayDeque<long[]> seenAt = new ArrayDeque<>();

    OutsideListener(int tgid, int fd, int copy, long inode, String address) {
        this.tgid = tgid;
        this.fd = fd;
        this.copy = copy;
        this.inode = inode;
        this.address = address;
    }
}
