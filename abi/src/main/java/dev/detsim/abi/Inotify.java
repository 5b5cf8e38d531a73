package dev.detsim.abi;

/** inotify(7): inotify_init1's flags, the event bits, and struct inotify_event's fixed part. */
public final class Inotify {
    public static final int IN_NONBLOCK = OpenFlags.O_NONBLOCK, IN_CLOEXEC = OpenFlags.O_CLOEXEC;
    public static final int IN_MODIFY = 0x2, IN_Q_OVERFLOW = 0x4000, IN_IGNORED = 0x8000, IN_DONT_FOLLOW = 0x2000000;
    /** struct inotify_event {int wd; u32 mask; u32 cookie; u32 len;}: offsets, and the size before the name. */
    public static final int WD = 0, MASK = 4, COOKIE = 8, LEN = 12, EVENT_SIZE = 16;

    private Inotify() {}
}
