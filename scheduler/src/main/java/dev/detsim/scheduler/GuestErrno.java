package dev.detsim.scheduler;

/**
 * The errors the scheduler itself can hand a guest syscall. They are values, not exceptions: they are what
 * the guest's futex or sleep returns. Numbers are Linux's, identical on x86_64 and aarch64.
 */
public enum GuestErrno {
    EINTR(4),
    EAGAIN(11),
    EINVAL(22),
    ETIMEDOUT(110);

    private final int number;

    GuestErrno(int number) {
        this.number = number;
    }

    /** The positive errno. */
    public int number() {
        return number;
    }

    /** What the syscall returns in its result register: the errno negated. */
    public long asReturnValue() {
        return -number;
    }
}
