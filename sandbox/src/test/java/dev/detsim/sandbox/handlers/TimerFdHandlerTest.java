package dev.detsim.sandbox.handlers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.detsim.abi.Itimerspec;
import dev.detsim.sandbox.api.Disposition;
import dev.detsim.sandbox.api.FakeDescriptors;
import dev.detsim.sandbox.api.FakeGuestMemory;
import dev.detsim.sandbox.api.FakeSyscallStop;
import dev.detsim.sandbox.api.FakeTimerDelivery;
import dev.detsim.abi.Errno;
import dev.detsim.sandbox.syscall.Syscall;
import dev.detsim.sandbox.world.Clocks;
import dev.detsim.scheduler.ProcessId;
import dev.detsim.scheduler.TimerKey;
import dev.detsim.scheduler.TimerQueue;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** timerfd settings kept on the virtual clock; expirations added to the real descriptor. */
class TimerFdHandlerTest {
    private static final int TID = FakeSyscallStop.NO_SUCH_TID, FD = 7;
    private static final long IN = 0x1000, OUT = 0x2000, S = 1_000_000_000L;
    private static final ProcessId P = ProcessId.of(1);
    private static final TimerKey KEY = new TimerKey(P, TimerFdHandler.TIMERFD, FD);

    private final long[] now = {S};
    private final Clocks clocks = new Clocks(() -> now[0], Clocks.DEFAULT_EPOCH_SECONDS);
    private final TimerQueue queue = new TimerQueue();
    private final TimerFdHandler handler = new TimerFdHandler(clocks, queue);
    private final FakeGuestMemory memory = new FakeGuestMemory().map(TID, OUT, 32);
    private final FakeDescriptors fds = new FakeDescriptors();

    private FakeSyscallStop call(Syscall s, long... args) {
        FakeSyscallStop stop = FakeSyscallStop.builder(s, args).memory(memory).descriptors(fds).build();
        last = handler.onSyscall(stop);
        return stop;
    }

    private Disposition last;

    private void itimerspec(long interval, long value) {
        memory.put(TID, IN, Itimerspec.ofNanos(interval, value).encode());
    }

    @Test
    void settimeArmsTheVirtualTimerAndDisarmsTheKernels() {
        fds.open(TID, FD, "anon_inode:[timerfd]");
        itimerspec(S / 2, 2 * S);
        FakeSyscallStop s = call(Syscall.TIMERFD_SETTIME, FD, 0, IN, 0);
        assertEquals(Disposition.PASSTHROUGH, last);
        assertEquals(OptionalLong.of(3 * S), queue.expiry(KEY));
        assertEquals(0, s.argument(1), "flags cleared");
        assertEquals(0, s.argument(3), "no old value asked of the kernel");
        assertArrayEquals(new byte[32], memory.bytesAt(TID, s.argument(2), 32), "the kernel's timer set to zero");
        now[0] = 2 * S + 1;
        call(Syscall.TIMERFD_GETTIME, FD, OUT);
        assertEquals(Disposition.emulate(0), last);
        assertEquals(0, memory.longAt(TID, OUT));
        assertEquals(S / 2, memory.longAt(TID, OUT + 8));
        assertEquals(0, memory.longAt(TID, OUT + 16));
        assertEquals(S - 1, memory.longAt(TID, OUT + 24));
        // An absolute time on the timerfd's clock (CLOCK_MONOTONIC when its fdinfo cannot be read).
        itimerspec(0, Clocks.BOOT_NANOS + 10 * S);
        call(Syscall.TIMERFD_SETTIME, FD, 1, IN, OUT);
        assertEquals(OptionalLong.of(10 * S), queue.expiry(KEY));
        assertEquals(S - 1, memory.longAt(TID, OUT + 24), "the old setting written back");
        itimerspec(0, 0);
        call(Syscall.TIMERFD_SETTIME, FD, 0, IN, 0);
        assertTrue(queue.isEmpty(), "a zero value disarms");
    }

    @Test
    void notATimerfdOrBadArgumentsAreTheKernels() {
        fds.open(TID, 3, "pipe:[1]");
        itimerspec(0, S);
        call(Syscall.TIMERFD_SETTIME, 3, 0, IN, 0);
        assertEquals(Disposition.PASSTHROUGH, last);
        fds.open(TID, FD, "anon_inode:[timerfd]");
        call(Syscall.TIMERFD_SETTIME, FD, 4, IN, 0);
        assertEquals(Disposition.PASSTHROUGH, last, "unknown flag: EINVAL");
        call(Syscall.TIMERFD_SETTIME, FD, 0, 0x9000, 0);
        assertEquals(Disposition.PASSTHROUGH, last, "EFAULT");
        memory.putLongs(TID, IN, 0, 0, 0, S);
        call(Syscall.TIMERFD_SETTIME, FD, 0, IN, 0);
        assertEquals(Disposition.PASSTHROUGH, last, "tv_nsec out of range: EINVAL");
        assertTrue(queue.isEmpty());
        call(Syscall.TIMERFD_GETTIME, FD, 0);
        assertEquals(Disposition.fail(Errno.EFAULT), last);
    }

    @Test
    void expiryAddsTicksIncludingMissedPeriods() {
        FakeDescriptors.File timerfd = fds.open(TID, FD, "anon_inode:[timerfd]");
        itimerspec(S, S);
        call(Syscall.TIMERFD_SETTIME, FD, 0, IN, 0);
        FakeTimerDelivery delivery = new FakeTimerDelivery(fds).thread(P, TID);
        now[0] = 4 * S + 5; // due at 2 s; 3 s and 4 s passed too
        handler.onTimer(KEY, 2 * S, delivery);
        assertEquals(3, timerfd.timerTicks);
        assertEquals(OptionalLong.of(5 * S), queue.expiry(KEY));
        assertEquals(0, fds.openCopies());
        // The fd number now names something else: the timer is forgotten.
        fds.open(TID, FD, "pipe:[2]");
        handler.onTimer(KEY, 5 * S, delivery);
        assertTrue(queue.isEmpty());
        assertEquals(0, fds.openCopies());
    }

    @Test
    void aOneShotTimerOfAGoneProcessIsDropped() {
        fds.open(TID, FD, "anon_inode:[timerfd]");
        itimerspec(0, S);
        call(Syscall.TIMERFD_SETTIME, FD, 0, IN, 0);
        handler.onTimer(KEY, 2 * S, new FakeTimerDelivery(fds).gone(P));
        assertTrue(queue.isEmpty());
        now[0] = 2 * S;
        call(Syscall.TIMERFD_GETTIME, FD, OUT);
        assertArrayEquals(new byte[32], memory.bytesAt(TID, OUT, 32));
    }
}
