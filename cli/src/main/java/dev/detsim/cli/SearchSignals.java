package dev.detsim.cli;

import dev.detsim.sandbox.os.LibDetsim;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

/**
 * SIGINT, SIGTERM, SIGHUP or SIGQUIT sent to search or shrink (a pod being stopped, kill PID): the runs in
 * progress are ended — each child detsim passes the signal to its program, and no traced process outlives
 * the search — and no further run starts. detsim's native handler counts the signals; a thread of ours watches the count.
 */
final class SearchSignals {
    private static final VarHandle COUNT = ValueLayout.JAVA_INT.varHandle();

    private SearchSignals() {}

    /** Watches for the signals; on one, runs stop and then sends SIGTERM to every child process. */
    static void watch(Runnable stop) {
        LibDetsim.forwardSignals(0); // counted, forwarded to no one: the children are ended below
        MemorySegment count = LibDetsim.signalsSeen();
        int before = (int) COUNT.getVolatile(count, 0L);
        Thread.ofPlatform().daemon().name("detsim-search-signals").start(() -> {
            try {
                while ((int) COUNT.getVolatile(count, 0L) == before) Thread.sleep(100);
            } catch (InterruptedException e) {
                return;
            }
            stop.run();
            ProcessHandle.current().children().forEach(ProcessHandle::destroy);
        });
    }
}
