package dev.detsim.abi;

/** poll(2) events (poll.h; epoll's EPOLLIN... have the same values). */
public final class Poll {
    public static final int POLLIN = 0x1, POLLPRI = 0x2, POLLOUT = 0x4, POLLERR = 0x8, POLLHUP = 0x10, POLLNVAL = 0x20;
    /** What poll reports whether asked for or not. */
    public static final int ALWAYS_REPORTED = POLLERR | POLLHUP | POLLNVAL;

    private Poll() {}
}
