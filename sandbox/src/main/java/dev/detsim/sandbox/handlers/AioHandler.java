package dev.detsim.sandbox.handlers;

import dev.detsim.sandbox.syscall.Syscall;
import dev.detsim.sandbox.api.Disposition;
import dev.detsim.sandbox.api.GuestMemory;
import dev.detsim.sandbox.api.SyscallHandler;
import dev.detsim.sandbox.api.SyscallStop;
import dev.detsim.sandbox.world.Clocks;
import dev.detsim.scheduler.Deadline;
import dev.detsim.scheduler.WaitCondition;
import dev.detsim.scheduler.WakeUp;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;

/**
 * Kernel AIO (io_submit / io_getevents, as dqlite's raft storage uses it) without waits in the kernel and
 * without the disk's speed in the schedule.
 *
 * <ul>
 * <li><b>Submitted I/O completes at once.</b> When io_submit returns, detsim waits (host time) until the
 * kernel has completed every file request the call submitted, before the thread runs on. What the program
 * sees later — how many events io_getevents returns, when an IOCB_FLAG_RESFD eventfd becomes readable — then
 * depends only on the schedule. Requests that wait for something else (IOCB_CMD_POLL) are not waited for.
 * <li><b>io_getevents never waits in the kernel.</b> detsim reads the completion ring (the aio_context_t is
 * its address in the process): with min_nr events there the call runs; otherwise the thread is parked on an
 * {@link WaitCondition.AioCompletion} and retried after other threads ran (one of them must submit), until its
 * virtual timeout passes, when the call runs with min_nr lowered to what is there, or a deadlock report
 * names the context.
 * </ul>
 * A wait for completions that did not come within {@value #SETTLE_SECONDS} s of host time is given up, with
 * a warning: the run may then not replay.
 */
public final class AioHandler implements SyscallHandler {
    private static final int RING_MAGIC = 0xa10a10a1, RING_HEADER = 32, RING_NR = 4, RING_HEAD = 8, RING_TAIL = 12,
            RING_MAGIC_AT = 16;
    private static final int IOCB_SIZE = 64, IOCB_OPCODE = 16, MAX_IOCBS = 4096;
    /** IOCB_CMD_PREAD, PWRITE, FSYNC, FDSYNC, PREADV, PWRITEV: requests the kernel completes by itself. */
    private static final Set<Integer> SELF_COMPLETING = Set.of(0, 1, 2, 3, 7, 8);
    private static final int SETTLE_SECONDS = 10;
    private final Clocks clocks;
    private final PrintStream warnings;
    /** Per (process, context): how many self-completing requests were submitted, and how many completed. */
    private final Map<ContextKey, Counts> contexts = new HashMap<>();

    private record ContextKey(int pid, long context) {}

    private static final class Counts {
        long submitted, completed;
        int lastTail = -1;
    }

    /** A view of the completion ring's header. */
    private record Ring(int size, int head, int tail) {
        int available() {
            return Math.floorMod(tail - head, size);
        }
    }

    public AioHandler(Clocks clocks, PrintStream warnings) {
        this.clocks = clocks;
        this.warnings = warnings;
    }

    @Override
    public Set<Syscall> subscriptions() {
        return EnumSet.of(Syscall.IO_SUBMIT, Syscall.IO_GETEVENTS, Syscall.IO_PGETEVENTS, Syscall.IO_DESTROY);
    }

    @Override
    public void onExec(dev.detsim.sandbox.api.ExecStop exec) {
        contexts.keySet().removeIf(k -> k.pid() == exec.tid()); // after an exec its thread leads the process
    }

    @Override
    public Disposition onSyscall(SyscallStop stop) {
        return switch (stop.syscall()) {
            case IO_DESTROY -> {
                // Its address may come back from a later io_setup: that context starts afresh.
                contexts.remove(new ContextKey(stop.pid(), stop.argument(0)));
                yield Disposition.PASSTHROUGH;
            }
            case IO_SUBMIT -> submit(stop);
            case IO_GETEVENTS -> getEvents(stop);
            case IO_PGETEVENTS -> CallSignalMask.parkWithPair(stop, stop.argument(5), getEvents(stop));
            default -> Disposition.PASSTHROUGH;
        };
    }

    /** Notes which requests complete by themselves; when the call returns, waits until they have. */
    private Disposition submit(SyscallStop stop) {
        long context = stop.argument(0), n = stop.argument(1), list = stop.argument(2);
        if (n <= 0 || n > MAX_IOCBS) return Disposition.PASSTHROUGH; // the kernel's EINVAL, or nothing to do
        GuestMemory memory = stop.memory();
        int tid = stop.tid(), pid = stop.pid();
        boolean[] selfCompleting = new boolean[(int) n];
        byte[] pointers = memory.read(tid, list, (int) n * 8);
        if (pointers == null || pointers.length < n * 8) return Disposition.PASSTHROUGH; // EFAULT
        ByteBuffer p = ByteBuffer.wrap(pointers).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) {
            byte[] iocb = memory.read(tid, p.getLong(i * 8), IOCB_SIZE);
            if (iocb == null || iocb.length < IOCB_SIZE) break; // the kernel stops at the bad one
            int opcode = Short.toUnsignedInt(ByteBuffer.wrap(iocb).order(ByteOrder.LITTLE_ENDIAN).getShort(IOCB_OPCODE));
            selfCompleting[i] = SELF_COMPLETING.contains(opcode);
        }
        Ring before = ring(memory, tid, context);
        if (before == null) return Disposition.PASSTHROUGH; // not a context: the kernel's EINVAL
        Counts counts = contexts.computeIfAbsent(new ContextKey(pid, context), k -> new Counts());
        observe(counts, before);
        stop.onReturn(submitted -> {
            long expected = 0;
            for (int i = 0; i < submitted && i < n; i++) if (selfCompleting[i]) expected++;
            counts.submitted += expected;
            settle(memory, tid, context, counts);
        });
        return Disposition.PASSTHROUGH;
    }

    private Disposition getEvents(SyscallStop stop) {
        WakeUp wake = stop.wakeUp().orElse(null);
        if (wake != null && wake.cause() == WakeUp.Cause.INTERRUPTED) return Disposition.PASSTHROUGH; // EINTR
        long context = stop.argument(0), wanted = stop.argument(1);
        Counts counts = contexts.get(new ContextKey(stop.pid(), context));
        Ring ring = counts != null ? settle(stop.memory(), stop.tid(), context, counts)
                : ring(stop.memory(), stop.tid(), context);
        if (ring == null || wanted <= 0 || ring.available() >= wanted) return Disposition.PASSTHROUGH;
        long timeout = BlockingIoHandler.timespecTimeout(stop, stop.argument(4));
        if (timeout == 0 || wake != null && wake.cause() == WakeUp.Cause.DEADLINE_PASSED) {
            stop.setArgument(1, ring.available()); // returns at once with what there is
            return Disposition.PASSTHROUGH;
        }
        Deadline deadline = timeout < 0 ? Deadline.NONE : Deadline.after(clocks.virtualNow(), timeout);
        return Disposition.block(new WaitCondition.AioCompletion(stop.process(), context, wanted), deadline);
    }

    /**
     * Waits in host time until the ring shows every self-completing request submitted so far as completed;
     * gives up (and warns) after {@value #SETTLE_SECONDS} s. The ring as last read, or null if it is gone.
     */
    private Ring settle(GuestMemory memory, int tid, long context, Counts counts) {
        long giveUpAt = System.nanoTime() + SETTLE_SECONDS * 1_000_000_000L;
        long pause = 1_000;
        for (;;) {
            Ring r = ring(memory, tid, context);
            if (r == null) return null; // destroyed, or the process is gone
            observe(counts, r);
            if (counts.completed >= counts.submitted) return r;
            if (System.nanoTime() > giveUpAt) {
                warnings.println("detsim: warning: " + (counts.submitted - counts.completed) + " AIO request(s) on"
                        + " context 0x" + Long.toHexString(context) + " did not complete within " + SETTLE_SECONDS
                        + " s; detsim stopped waiting for them, and this run may not replay");
                counts.completed = counts.submitted;
                return r;
            }
            LockSupport.parkNanos(pause);
            pause = Math.min(pause * 2, 1_000_000);
        }
    }

    /** Counts the completions that arrived since the last look (the tail only moves on a completion). */
    private static void observe(Counts counts, Ring r) {
        if (counts.lastTail >= 0) counts.completed += Math.floorMod(r.tail() - counts.lastTail, r.size());
        counts.lastTail = r.tail();
    }

    /** The ring header of context in thread tid's process, or null if it is not one. */
    private static Ring ring(GuestMemory memory, int tid, long context) {
        if (context == 0) return null;
        byte[] h = memory.read(tid, context, RING_HEADER);
        if (h == null || h.length < RING_HEADER) return null;
        ByteBuffer b = ByteBuffer.wrap(h).order(ByteOrder.LITTLE_ENDIAN);
        int size = b.getInt(RING_NR);
        if (b.getInt(RING_MAGIC_AT) != RING_MAGIC || size <= 0) return null;
        return new Ring(size, b.getInt(RING_HEAD), b.getInt(RING_TAIL));
    }
}
