package dev.detsim.sandbox.tracer.preemption;

import static dev.detsim.abi.PerfEvents.*;

import dev.detsim.sandbox.os.Posix;
import dev.detsim.sandbox.syscall.Syscall;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What detsim counts as a thread's progress to preempt it deterministically: a perf event that counts only
 * what the thread's own user-space code does, the same in every run. Two kinds:
 * <ul>
 *   <li>retired conditional branches, a hardware counter (what rr counts; Intel and AMD Zen encodings), where
 *       the machine has one;</li>
 *   <li>hits of one probed instruction (a uprobe on FILE at OFFSET), which every Linux with uprobes has: for a
 *       machine without counters, when the user knows where a thread spins (detsim's watchdog warning names
 *       the instruction it stopped a spinning thread at).</li>
 * </ul>
 * A thread is preempted when it has made {@link #quantum} ticks in one turn. The counter interrupts (signals)
 * {@link #skid} ticks early, since a hardware counter's interrupt lands up to that many ticks late; detsim
 * single-steps the rest of the way to the exact tick ({@link TickCounters}).
 *
 * @param description for people: "retired conditional branches (raw 0x5101c4)", "hits of /bin/x+0x1234"
 * @param type perf_event_attr.type
 * @param config perf_event_attr.config
 * @param probeFile the probed file (uprobe), or null
 * @param probeOffset the probed instruction's offset in probeFile
 */
public record TickSource(String description, int type, long config, Path probeFile, long probeOffset, long skid,
                         long quantum) {
    /** Branches per deterministic time slice: a few milliseconds of user code. */
    static final long BRANCH_QUANTUM = 1_000_000;
    /** Probe hits per deterministic time slice: a spin loop's iterations. */
    static final long PROBE_QUANTUM = 1_000;

    /**
     * The retired-conditional-branch counter for this CPU (vendor and model from /proc/cpuinfo), with rr's
     * measured interrupt skid: Intel 0x5101c4 (0x5111c4 from Ice Lake on), skid 125; AMD Zen 0x5100d1, skid
     * 10000; elsewhere the generic branch counter, skid 10000.
     */
    static TickSource retiredBranches(String vendor, int family, int model) {
        if (vendor.equals("GenuineIntel") && family == 6) {
            long config = ICE_LAKE_AND_LATER.contains(model) ? 0x5111c4 : 0x5101c4;
            return new TickSource("retired conditional branches (Intel raw 0x" + Long.toHexString(config) + ")",
                    PERF_TYPE_RAW, config, null, 0, 125, BRANCH_QUANTUM);
        }
        if (vendor.equals("AuthenticAMD") && family >= 0x17) {
            return new TickSource("retired conditional branches (AMD Zen raw 0x5100d1)", PERF_TYPE_RAW, 0x5100d1,
                    null, 0, 10_000, BRANCH_QUANTUM);
        }
        return new TickSource("retired branches (generic hardware event)", PERF_TYPE_HARDWARE,
                PERF_COUNT_HW_BRANCH_INSTRUCTIONS, null, 0, 10_000, BRANCH_QUANTUM);
    }

    /** A hardware counter (pinned to the PMU), not a probe. */
    boolean hardware() {
        return probeFile == null;
    }

    /** Ice Lake and later Intel cores, which encode conditional branches as 0x5111c4 (rr's table). */
    private static final java.util.Set<Integer> ICE_LAKE_AND_LATER = java.util.Set.of(0x6a, 0x6c, 0x7d, 0x7e, 0x8c,
            0x8d, 0xa7, 0x97, 0x9a, 0xb7, 0xba, 0xbf, 0x8f, 0xcf, 0xaa, 0xac);

    /** The retired-branch counter of the CPU this runs on. */
    static TickSource retiredBranchesOfThisCpu() {
        String vendor = "";
        int family = 0, model = 0;
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                int colon = line.indexOf(':');
                if (colon < 0) continue;
                String key = line.substring(0, colon).trim(), value = line.substring(colon + 1).trim();
                switch (key) {
                    case "vendor_id" -> vendor = value;
                    case "cpu family" -> family = Integer.parseInt(value);
                    case "model" -> model = Integer.parseInt(value);
                    default -> {}
                }
                if (line.isBlank() && !vendor.isEmpty()) break; // the first CPU is enough
            }
        } catch (IOException | NumberFormatException e) {
            // an unreadable /proc/cpuinfo: the generic event
        }
        return retiredBranches(vendor, family, model);
    }

    /** Hits of the instruction at offset in file (a uprobe), a tick each; the file must exist. */
    public static TickSource probe(Path file, long offset) {
        return new TickSource("hits of " + file + "+0x" + Long.toHexString(offset), -1, 0, file, offset, 2,
                PROBE_QUANTUM);
    }

    /**
     * Opens this counter for thread tid (0: the calling thread), counting, with an overflow every period
     * ticks. Returns the descriptor or -errno.
     */
    int open(Posix posix, int tid, long period) {
        try (Arena arena = Arena.ofConfined()) { // the kernel copies the attributes and the path
            MemorySegment attr = arena.allocate(ATTR_SIZE, 8);
            int perfType = type;
            if (probeFile != null) {
                perfType = uprobeType();
                if (perfType < 0) return perfType;
                attr.set(ValueLayout.JAVA_LONG, ATTR_CONFIG1, arena.allocateFrom(probeFile.toString()).address()); // uprobe_path
                attr.set(ValueLayout.JAVA_LONG, ATTR_CONFIG2, probeOffset); // probe_offset
            }
            attr.set(ValueLayout.JAVA_INT, ATTR_TYPE, perfType);
            attr.set(ValueLayout.JAVA_INT, ATTR_SIZE_FIELD, ATTR_SIZE);
            attr.set(ValueLayout.JAVA_LONG, ATTR_CONFIG, config);
            attr.set(ValueLayout.JAVA_LONG, ATTR_SAMPLE_PERIOD, period);
            attr.set(ValueLayout.JAVA_LONG, ATTR_FLAGS, EXCLUDE_KERNEL | EXCLUDE_HV | EXCLUDE_GUEST | (hardware() ? PINNED : 0));
            attr.set(ValueLayout.JAVA_INT, ATTR_WAKEUP_EVENTS, 1); // a notice at every overflow
            return (int) posix.call(Syscall.PERF_EVENT_OPEN, attr.address(), tid, -1, -1, PERF_FLAG_FD_CLOEXEC);
        }
    }

    /** Opens and closes this counter for the calling thread: 0 if that works, else the errno. */
    public int check() {
        Posix posix = Posix.forCurrentThread();
        int fd = open(posix, 0, quantum);
        if (fd < 0) return -fd;
        posix.close(fd);
        return 0;
    }

    /** The uprobe PMU's perf type (/sys/bus/event_source/devices/uprobe/type), or -ENOENT. */
    private static int uprobeType() {
        try {
            return Integer.parseInt(Files.readString(Path.of("/sys/bus/event_source/devices/uprobe/type")).trim());
        } catch (IOException | NumberFormatException e) {
            return -dev.detsim.abi.Errno.ENOENT;
        }
    }
}
