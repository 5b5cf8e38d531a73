package dev.detsim.sandbox.tracer;

import dev.detsim.sandbox.os.LibDetsim;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

/**
 * The count of signals detsim's forwarding handler (native, async-signal-safe) has seen. A forwarded signal
 * stays pending in a thread detsim holds stopped, so the tracer checks this between turns and interrupts the
 * waits it ends. Reading it is a load, not a syscall: it is checked before every turn.
 */
final class SignalNotices {
    private static final VarHandle COUNT = ValueLayout.JAVA_INT.varHandle();
    private final java.lang.foreign.MemorySegment count = LibDetsim.signalsSeen();
    private int seen = (int) COUNT.getVolatile(count, 0L);

    /** True if signals came since the last call. */
    boolean drain() {
        int now = (int) COUNT.getVolatile(count, 0L);
        if (now == seen) return false;
        seen = now;
        return true;
    }
}
