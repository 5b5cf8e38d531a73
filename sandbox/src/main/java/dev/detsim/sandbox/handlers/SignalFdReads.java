package dev.detsim.sandbox.handlers;

import dev.detsim.sandbox.api.Disposition;
import dev.detsim.sandbox.tracer.SignalMasks;
import dev.detsim.sandbox.api.SyscallStop;
import dev.detsim.scheduler.Deadline;
import dev.detsim.scheduler.WaitCondition;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A blocking read of a signalfd. Whether one is readable depends on the signals pending for the thread that
 * asks, so detsim's poll of its own copy of the descriptor always says "not ready" (detsim has none of the
 * program's signals pending) and such a read would wait forever. The thread's pending signals are compared
 * with the signalfd's mask instead, and a read that would wait waits for a signal in that mask, as
 * sigtimedwait does, or one that interrupts it.
 */
final class SignalFdReads {
    static final String LINK = "anon_inode:[signalfd]";

    private SignalFdReads() {}

    /** The disposition of a blocking read or readv of signalfd fd (argument 0). */
    static Disposition read(SyscallStop stop, int fd) {
        long accepted = mask(stop.tid(), fd);
        if (accepted == 0) return Disposition.PASSTHROUGH; // mask unknown: the kernel answers
        SignalMasks masks = SignalMasks.read(stop.tid());
        if ((masks.anyPending() & accepted) != 0) return Disposition.PASSTHROUGH;
        return Disposition.block(new WaitCondition.Signal(accepted | masks.interruptingUnder(masks.blocked())),
                Deadline.NONE);
    }

    /** The signals signalfd fd of thread tid reads (its "sigmask:" in fdinfo, bit signo-1), or 0 if unknown. */
    private static long mask(int tid, int fd) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + tid + "/fdinfo/" + fd))) {
                if (line.startsWith("sigmask:")) return Long.parseUnsignedLong(line.substring(8).trim(), 16);
            }
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
        return 0;
    }
}
