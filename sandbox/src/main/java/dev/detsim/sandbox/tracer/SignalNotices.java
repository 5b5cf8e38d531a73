package dev.detsim.sandbox.tracer;

import dev.detsim.sandbox.os.Posix;
import dev.detsim.sandbox.syscall.Syscall;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * An eventfd that detsim's signal-forwarding handler (native, async-signal-safe) bumps after it forwarded a
 * signal to the program. The forwarded signal stays pending in a thread detsim holds stopped, so the tracer
 * checks this between turns and interrupts the waits it ends.
 */
final class SignalNotices implements AutoCloseable {
    private static final int EFD_NONBLOCK = 04000, EFD_CLOEXEC = 02000000;
    private final Posix posix;
    private final MemorySegment counter;
    private final int fd;

    SignalNotices(Posix posix, Arena arena) {
        this.posix = posix;
        this.counter = arena.allocate(ValueLayout.JAVA_LONG);
        int r = (int) posix.call(Syscall.EVENTFD2, 0, EFD_NONBLOCK | EFD_CLOEXEC);
        this.fd = r < 0 ? -1 : r;
    }

    /** The eventfd, or -1 if none could be made (then forwarded signals are noticed at the next stop only). */
    int fd() {
        return fd;
    }

    /** True if signals were forwarded since the last call. */
    boolean drain() {
        return fd >= 0 && posix.read(fd, counter, 8) == 8 && counter.get(ValueLayout.JAVA_LONG, 0) > 0;
    }

    @Override
    public void close() {
        if (fd >= 0) posix.close(fd);
    }
}
