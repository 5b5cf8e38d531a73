package dev.detsim.sandbox.tracer.preemption;

import static dev.detsim.abi.PerfEvents.ATTR_CONFIG;
import static dev.detsim.abi.PerfEvents.ATTR_FLAGS;
import static dev.detsim.abi.PerfEvents.ATTR_SAMPLE_PERIOD;
import static dev.detsim.abi.PerfEvents.ATTR_SIZE;
import static dev.detsim.abi.PerfEvents.ATTR_SIZE_FIELD;
import static dev.detsim.abi.PerfEvents.ATTR_TYPE;
import static dev.detsim.abi.PerfEvents.ATTR_WAKEUP_EVENTS;
import static dev.detsim.abi.PerfEvents.EXCLUDE_HV;
import static dev.detsim.abi.PerfEvents.EXCLUDE_KERNEL;
import static dev.detsim.abi.PerfEvents.PERF_COUNT_SW_TASK_CLOCK;
import static dev.detsim.abi.PerfEvents.PERF_FLAG_FD_CLOEXEC;
import static dev.detsim.abi.PerfEvents.PERF_TYPE_SOFTWARE;

import dev.detsim.sandbox.os.Posix;
import dev.detsim.sandbox.syscall.Syscall;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A thread's CPU time as a perf software event (task clock): its period is checked by an hrtimer on the CPU
 * the thread runs on, so its overflow stops the thread within microseconds of that much CPU time, counted only
 * while it runs (not while detsim holds it). Needs no hardware counter.
 */
final class TaskClock {
    private TaskClock() {}

    /** A task-clock counter of thread tid that overflows after nanos of its CPU time: fd or -errno. */
    static int open(Posix posix, MemorySegment attr, int tid, long nanos) {
        attr.fill((byte) 0);
        attr.set(ValueLayout.JAVA_INT, ATTR_TYPE, PERF_TYPE_SOFTWARE);
        attr.set(ValueLayout.JAVA_INT, ATTR_SIZE_FIELD, ATTR_SIZE);
        attr.set(ValueLayout.JAVA_LONG, ATTR_CONFIG, PERF_COUNT_SW_TASK_CLOCK);
        attr.set(ValueLayout.JAVA_LONG, ATTR_SAMPLE_PERIOD, nanos);
        attr.set(ValueLayout.JAVA_LONG, ATTR_FLAGS, EXCLUDE_KERNEL | EXCLUDE_HV);
        attr.set(ValueLayout.JAVA_INT, ATTR_WAKEUP_EVENTS, 1);
        return (int) posix.call(Syscall.PERF_EVENT_OPEN, attr.address(), tid, -1, -1, PERF_FLAG_FD_CLOEXEC);
    }

    /** The CPU time (ns) counter fd has counted, read into buffer (8 bytes or more); -1 if it cannot be read. */
    static long read(Posix posix, MemorySegment buffer, int fd) {
        return posix.read(fd, buffer, 8) == 8 ? buffer.get(ValueLayout.JAVA_LONG, 0) : -1;
    }
}
