package dev.detsim.sandbox.tracer;

/** One traced thread, keyed by its tid. */
final class Tracee {
    int tid;
    /** Virtual thread number: 1, 2, ... in the order detsim first saw the threads. */
    final int number;
    /** Syscall whose exit the trace awaits (null when none): its line is printed at the exit stop. */
    dev.detsim.sandbox.syscall.Syscall pendingSyscall;
    long[] pendingArgs;
    /** Arguments rendered at entry; output buffers (null here) are rendered at exit. */
    String[] pendingRendered;

    Tracee(int tid, int number) {
        this.tid = tid;
        this.number = number;
    }
}
