package dev.detsim.cli;

import dev.detsim.recorder.EventLog;
import dev.detsim.sandbox.os.NativeLibrary;
import dev.detsim.sandbox.os.SegmentAccessors;

/**
 * Set-up every {@code detsim run} needs before its program starts and that no option changes, begun on a second
 * thread as soon as the JVM is up, while the main thread parses the command line and reads the syscall table: the
 * downcall stubs and method handles of libdetsim's entry points and the code behind the first memory-segment
 * accesses of the run, which the JVM generates at every start (the AOT cache cannot keep them), then the event log's
 * SHA-256. The main thread finds them ready, or waits for the rest. A failure here is left to the main thread to
 * meet again and report.
 */
final class RunPrelude {
    private RunPrelude() {}

    /** Starts the prelude when args name the run command (verify's runs are such commands too). */
    static void startFor(String[] args) {
        if (args.length == 0 || !args[0].equals("run")) return;
        Thread.ofPlatform().daemon().name("detsim-prelude").start(() -> {
            try {
                NativeLibrary.linkAhead();
                SegmentAccessors.exercise();
                new EventLog();
            } catch (RuntimeException | Error e) {
                // the main thread meets it again and says what is wrong
            }
        });
    }
}
