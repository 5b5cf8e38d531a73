package dev.detsim.abi;

/**
 * perf_event_open(2) facts detsim counts with (include/uapi/linux/perf_event.h, hw_breakpoint.h): the
 * breakpoint and task-clock event types, struct perf_event_attr's offsets, and the descriptor's ioctls.
 */
public final class PerfEvents {
    public static final int PERF_TYPE_HARDWARE = 0, PERF_TYPE_SOFTWARE = 1, PERF_TYPE_RAW = 4, PERF_TYPE_BREAKPOINT = 5;
    /** config of a PERF_TYPE_HARDWARE event: retired branch instructions. */
    public static final int PERF_COUNT_HW_BRANCH_INSTRUCTIONS = 4;
    /** config of a PERF_TYPE_SOFTWARE event: the thread's own CPU time, in ns, with an hrtimer behind its periods. */
    public static final int PERF_COUNT_SW_TASK_CLOCK = 1;
    /** bp_type: break when the instruction at bp_addr is about to execute. */
    public static final int HW_BREAKPOINT_X = 4;
    /** struct perf_event_attr, PERF_ATTR_SIZE_VER7 bytes; offsets of the fields detsim sets. */
    public static final int ATTR_SIZE = 128, ATTR_TYPE = 0, ATTR_SIZE_FIELD = 4, ATTR_CONFIG = 8,
            ATTR_SAMPLE_PERIOD = 16, ATTR_FLAGS = 40, ATTR_WAKEUP_EVENTS = 48, ATTR_BP_TYPE = 52, ATTR_BP_ADDR = 56,
            ATTR_BP_LEN = 64;
    /** config1 and config2, which share bp_addr's and bp_len's place: a uprobe's path and file offset. */
    public static final int ATTR_CONFIG1 = 56, ATTR_CONFIG2 = 64;
    /** perf_event_attr's flag bits. */
    public static final long DISABLED = 1L, PINNED = 1L << 2, EXCLUDE_KERNEL = 1L << 5, EXCLUDE_HV = 1L << 6,
            EXCLUDE_GUEST = 1L << 20;
    public static final long PERF_FLAG_FD_CLOEXEC = 8;
    /** PERF_EVENT_IOC_RESET, PERF_EVENT_IOC_PERIOD. */
    public static final long IOC_RESET = 0x2403, IOC_PERIOD = 0x40082404L;

    private PerfEvents() {}
}
