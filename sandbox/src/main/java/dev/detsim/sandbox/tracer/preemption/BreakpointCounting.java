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
 * {@link #CALLS} times, must count exactly that many. A virtual machine may lack debug registers, or a kernel
 * perf_event_paranoid may refuse.
 *
 * @param exact whether it counted every call and no more
 * @param reason for people: "exact (1000 of 1000)", "perf_event_open: EACCES", "counted 0 of 1000"
 */
public record BreakpointCounting(boolean exact, String reason) {
    static final int CALLS = 1000;

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

    /** For people: "breakpoint counting: exact (1000 of 1000)". */
    public String describe() {
        return "breakpoint counting: " + reason;
    }
}
