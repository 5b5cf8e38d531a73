package dev.detsim.sandbox.tracer.preemption;

import dev.detsim.abi.Errno;
import dev.detsim.sandbox.os.Posix;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * Whether this machine counts executions of one instruction exactly with a perf breakpoint event (what
 * {@link SiteCounters} needs): a counter on the calling thread at libc's getppid, which is then called
 * {@link #CALLS} times, must count exactly that many. Tried when a run first needs it (a site given, or the
 * watchdog's first spinning thread), not by every run. A virtual machine may lack debug registers, or a kernel
 * perf_event_paranoid may refuse.
 *
 * @param exact whether it counted every call and no more
 * @param reason for people: "exact (100 of 100)", "perf_event_open: EACCES", "inexact: counted 0 of 100"
 */
public record BreakpointCounting(boolean exact, String reason) {
    /** Enough to see an inexact count; each costs a debug exception and the perf event's work. */
    static final int CALLS = 100;

    public static BreakpointCounting detect() {
        Linker linker = Linker.nativeLinker();
        MemorySegment target = linker.defaultLookup().find("getppid").orElse(null);
        if (target == null) return new BreakpointCounting(false, "no getppid in libc to try it on");
        MethodHandle getppid = linker.downcallHandle(target, FunctionDescriptor.of(ValueLayout.JAVA_INT));
        Posix posix = Posix.forCurrentThread();
        try (Arena arena = Arena.ofConfined()) {
            int fd = SiteCounters.open(posix, arena.allocate(dev.detsim.abi.PerfEvents.ATTR_SIZE, 8), 0,
                    target.address(), Long.MAX_VALUE >> 1);
            if (fd < 0) return new BreakpointCounting(false, "perf_event_open: " + Errno.name(-fd));
            try {
                for (int i = 0; i < CALLS; i++) {
                    int unused = (int) getppid.invokeExact();
                }
                MemorySegment count = arena.allocate(ValueLayout.JAVA_LONG);
                long n = posix.read(fd, count, 8) == 8 ? count.get(ValueLayout.JAVA_LONG, 0) : -1;
                return new BreakpointCounting(n == CALLS, (n == CALLS ? "exact (" : "inexact: counted ") + n
                        + " of " + CALLS + (n == CALLS ? ")" : ""));
            } catch (Throwable e) {
                return new BreakpointCounting(false, "cannot call getppid: " + e);
            } finally {
                posix.close(fd);
            }
        }
    }

    /** For people: "breakpoint counting: exact (100 of 100)". */
    public String describe() {
        return "breakpoint counting: " + reason;
    }
}
