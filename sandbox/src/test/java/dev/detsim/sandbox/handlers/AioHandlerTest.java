package dev.detsim.sandbox.handlers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.detsim.sandbox.api.Disposition;
import dev.detsim.sandbox.api.FakeGuestMemory;
import dev.detsim.sandbox.api.FakeSyscallStop;
import dev.detsim.sandbox.syscall.Syscall;
import dev.detsim.sandbox.world.Clocks;
import dev.detsim.scheduler.Deadline;
import dev.detsim.scheduler.ProcessId;
import dev.detsim.scheduler.WaitCondition;
import dev.detsim.scheduler.WakeUp;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/** io_getevents parks on the completion ring's header as guest memory shows it; io_submit settles. */
class AioHandlerTest {
    private static final int TID = FakeSyscallStop.NO_SUCH_TID;
    private static final long CTX = 0x7000_0000L, EVENTS = 0x1000, TIMEOUT = 0x2000, LIST = 0x3000, IOCB = 0x4000;
    private static final ProcessId P = ProcessId.of(1);

    private final long[] now = {100};
    private final ByteArrayOutputStream warnings = new ByteArrayOutputStream();
    private final AioHandler handler = new AioHandler(new Clocks(() -> now[0], Clocks.DEFAULT_EPOCH_SECONDS),
            new PrintStream(warnings, true));
    private final FakeGuestMemory memory = new FakeGuestMemory();

    private void ring(int size, int head, int tail) {
        memory.put(TID, CTX, ByteBuffer.allocate(32).order(ByteOrder.LITTLE_ENDIAN).putInt(4, size).putInt(8, head)
                .putInt(12, tail).putInt(16, 0xa10a10a1).array());
    }

    private FakeSyscallStop.Builder stop(Syscall s, long... args) {
        return FakeSyscallStop.builder(s, args).memory(memory);
    }

    @Test
    void getEventsRunsWhenTheRingHoldsMinNrAndParksOtherwise() {
        ring(128, 10, 12);
        assertEquals(Disposition.PASSTHROUGH, handler.onSyscall(stop(Syscall.IO_GETEVENTS, CTX, 2, 8, EVENTS, 0).build()));
        assertEquals(Disposition.block(new WaitCondition.AioCompletion(P, CTX, 3), Deadline.NONE),
                handler.onSyscall(stop(Syscall.IO_GETEVENTS, CTX, 3, 8, EVENTS, 0).build()));
        ring(128, 127, 1); // wrapped: 2 there
        assertEquals(Disposition.PASSTHROUGH, handler.onSyscall(stop(Syscall.IO_GETEVENTS, CTX, 2, 8, EVENTS, 0).build()));
        memory.putLongs(TID, TIMEOUT, 0, 5_000);
        assertEquals(Disposition.block(new WaitCondition.AioCompletion(P, CTX, 3), Deadline.after(100, 5_000)),
                handler.onSyscall(stop(Syscall.IO_GETEVENTS, CTX, 3, 8, EVENTS, TIMEOUT).build()));
    }

    @Test
    void aZeroOrPassedTimeoutLowersMinNrToWhatIsThere() {
        ring(128, 0, 1);
        memory.putLongs(TID, TIMEOUT, 0, 0);
        FakeSyscallStop zero = stop(Syscall.IO_GETEVENTS, CTX, 4, 8, EVENTS, TIMEOUT).build();
        assertEquals(Disposition.PASSTHROUGH, handler.onSyscall(zero));
        assertEquals(1, zero.argument(1));
        memory.putLongs(TID, TIMEOUT, 1, 0);
        FakeSyscallStop passed = stop(Syscall.IO_GETEVENTS, CTX, 4, 8, EVENTS, TIMEOUT).wakeUp(new WakeUp(
                new WaitCondition.AioCompletion(P, CTX, 4), WakeUp.Cause.DEADLINE_PASSED, Deadline.at(5))).build();
        assertEquals(Disposition.PASSTHROUGH, handler.onSyscall(passed));
        assertEquals(1, passed.argument(1));
    }

    @Test
    void notAContextOrNothingWantedRunsUnchanged() {
        assertEquals(Disposition.PASSTHROUGH, handler.onSyscall(stop(Syscall.IO_GETEVENTS, 0, 1, 8, EVENTS, 0).build()));
        assertEquals(Disposition.PASSTHROUGH, handler.onSyscall(stop(Syscall.IO_GETEVENTS, CTX, 1, 8, EVENTS, 0).build()),
                "unmapped: EINVAL from the kernel");
        memory.put(TID, CTX, new byte[32]); // no ring magic
        assertEquals(Disposition.PASSTHROUGH, handler.onSyscall(stop(Syscall.IO_GETEVENTS, CTX, 1, 8, EVENTS, 0).build()));
        ring(128, 0, 0);
        assertEquals(Disposition.PASSTHROUGH, handler.onSyscall(stop(Syscall.IO_GETEVENTS, CTX, 0, 8, EVENTS, 0).build()));
    }

    @Test
    void ioPgeteventsWaitsUnderItsMask() {
        ring(128, 0, 0);
        long pair = 0x5000, mask = 0x6000;
        memory.putLong(TID, mask, 0x100);
        memory.putLongs(TID, pair, mask, 8);
        FakeSyscallStop s = stop(Syscall.IO_PGETEVENTS, CTX, 1, 8, EVENTS, 0, pair).build();
        assertTrue(handler.onSyscall(s) instanceof Disposition.Block);
        assertEquals(0x100L, s.signalMask());
    }

    @Test
    void submitWaitsForTheSelfCompletingRequestsItSubmitted() {
        ring(128, 0, 0);
        memory.putLongs(TID, LIST, IOCB, IOCB + 64);
        memory.put(TID, IOCB, ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN).putShort(16, (short) 1).array());
        memory.put(TID, IOCB + 64, ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN).putShort(16, (short) 5).array());
        FakeSyscallStop submit = stop(Syscall.IO_SUBMIT, CTX, 2, LIST).build();
        assertEquals(Disposition.PASSTHROUGH, handler.onSyscall(submit));
        assertTrue(submit.wantsReturn());
        ring(128, 0, 1); // the PWRITE completed; the POLL (opcode 5) is not waited for
        long start = System.nanoTime();
        submit.returnWith(2);
        assertTrue(System.nanoTime() - start < 1_000_000_000L, "settled at once");
        assertEquals("", warnings.toString());
        // A later io_getevents for 2 parks: the POLL has not completed.
        assertTrue(handler.onSyscall(stop(Syscall.IO_GETEVENTS, CTX, 2, 8, EVENTS, 0).build()) instanceof Disposition.Block);
        assertEquals(Disposition.PASSTHROUGH, handler.onSyscall(stop(Syscall.IO_SUBMIT, CTX, 0, LIST).build()));
        assertEquals(Disposition.PASSTHROUGH, handler.onSyscall(stop(Syscall.IO_SUBMIT, CTX, 2, 0x9_0000).build()));
    }
}
