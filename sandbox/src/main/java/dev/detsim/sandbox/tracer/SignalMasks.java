package dev.detsim.sandbox.tracer;

import static dev.detsim.abi.Signals.SIGCHLD;
import static dev.detsim.abi.Signals.SIGCONT;
import static dev.detsim.abi.Signals.SIGKILL;
import static dev.detsim.abi.Signals.SIGSTOP;
import static dev.detsim.abi.Signals.SIGURG;
import static dev.detsim.abi.Signals.SIGWINCH;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A thread's signal state as /proc/TID/status shows it (bit signo-1 of each mask). detsim reads it to decide
 * whether a thread it keeps waiting would be interrupted by a signal now: the kernel cannot wake a thread
 * that detsim holds stopped, so detsim has to notice the pending signal itself.
 */
public record SignalMasks(long pending, long sharedPending, long blocked, long ignored, long caught) {
    /** Signals whose default action does nothing: SIGCHLD, SIGCONT, SIGURG, SIGWINCH. */
    static final long IGNORED_BY_DEFAULT = bit(SIGCHLD) | bit(SIGCONT) | bit(SIGURG) | bit(SIGWINCH);
    private static final long UNBLOCKABLE = bit(SIGKILL) | bit(SIGSTOP);
    private static final java.util.Set<String> MASKS = java.util.Set.of("SigPnd", "ShdPnd", "SigBlk", "SigIgn", "SigCgt");
    public static final SignalMasks NONE = new SignalMasks(0, 0, 0, 0, 0);

    public static long bit(int signal) {
        return 1L << (signal - 1);
    }

    /** The thread's masks, or {@link #NONE} if it is gone. */
    public static SignalMasks read(int tid) {
        long pnd = 0, shd = 0, blk = 0, ign = 0, cgt = 0;
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + tid + "/status"))) {
                int colon = line.indexOf(':');
                if (colon != 6) continue;
                String key = line.substring(0, colon);
                if (!MASKS.contains(key)) continue; // not SigQ, whose value is "queued/limit"
                long value = Long.parseUnsignedLong(line.substring(colon + 1).trim(), 16);
                switch (key) {
                    case "SigPnd" -> pnd = value;
                    case "ShdPnd" -> shd = value;
                    case "SigBlk" -> blk = value;
                    case "SigIgn" -> ign = value;
                    default -> cgt = value;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return NONE;
        }
        return new SignalMasks(pnd, shd, blk, ign, cgt);
    }

    /** Signals pending for this thread, its own or its process's. */
    public long anyPending() {
        return pending | sharedPending;
    }

    /**
     * Signals that would end a wait if the thread's blocked mask were mask: unblocked, not ignored, and
     * either handled or with a default action that ends or stops the process.
     */
    public long interruptingUnder(long mask) {
        return (~mask | UNBLOCKABLE) & ~ignored & (caught | ~IGNORED_BY_DEFAULT);
    }

    /** Pending signals that would interrupt the thread's wait under its current mask. */
    public long interruptingNow() {
        return anyPending() & interruptingUnder(blocked);
    }
}
