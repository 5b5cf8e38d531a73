package dev.detsim.sandbox.handlers;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.detsim.abi.Time;
import dev.detsim.abi.Timespec;
import dev.detsim.sandbox.api.Disposition;
import dev.detsim.sandbox.api.FakeGuestMemory;
import dev.detsim.sandbox.api.FakeSyscallStop;
import dev.detsim.abi.Errno;
import dev.detsim.sandbox.syscall.Syscall;
import dev.detsim.sandbox.world.Clocks;
import dev.detsim.scheduler.Deadline;
import dev.detsim.scheduler.WaitCondition;
import dev.detsim.scheduler.WakeUp;
import org.junit.jupiter.api.Test;

/** Clock reads from virtual time, and sleeps on the virtual clock. */
class TimeHandlerTest {
    private static final int TID = FakeSyscallStop.NO_SUCH_TID;
    private static final long OUT = 0x1000, REQ = 0x2000, REM = 0x3000;
    private static final long S = 1_000_000_000L, EPOCH = Clocks.DEFAULT_EPOCH_SECONDS * S;

    private final long[] now = {5 * S + 123_456_789};
    private final Clocks clocks = new Clocks(() -> now[0], Clocks.DEFAULT_EPOCH_SECONDS);
    private final TimeHandler handler = new TimeHandler(clocks, false);
    private final FakeGuestMemory memory = new FakeGuestMemory().map(TID, OUT, 16).map(TID, REM, 16);

    private FakeSyscallStop.Builder stop(Syscall s, long... args) {
        return FakeSyscallStop.builder(s, args).memory(memory);
    }

    private Disposition call(Syscall s, long... args) {
        return handler.onSyscall(stop(s, args).build());
    }

    @Test
    void clockGettimeReadsEachClockFromTheVirtualLine() {
        assertEquals(Disposition.emulate(0), call(Syscall.CLOCK_GETTIME, Time.CLOCK_REALTIME, OUT));
        assertEquals(Clocks.DEFAULT_EPOCH_SECONDS + 5, memory.longAt(TID, OUT));
        assertEquals(123_456_789, memory.longAt(TID, OUT + 8));
        call(Syscall.CLOCK_GETTIME, Time.CLOCK_MONOTONIC, OUT);
        assertEquals(Clocks.BOOT_NANOS / S + 5, memory.longAt(TID, OUT));
        call(Syscall.CLOCK_GETTIME, Time.CLOCK_BOOTTIME, OUT);
        assertEquals(Clocks.BOOT_NANOS / S + 5, memory.longAt(TID, OUT));
        call(Syscall.CLOCK_GETTIME, Time.CLOCK_THREAD_CPUTIME_ID, OUT);
        assertEquals(5, memory.longAt(TID, OUT), "CPU clocks start at 0");
        call(Syscall.CLOCK_GETTIME, -6, OUT); // a CPU clock id of another thread (negative): valid
        assertEquals(5, memory.longAt(TID, OUT));
        assertEquals(Disposition.fail(Errno.EINVAL), call(Syscall.CLOCK_GETTIME, 10, OUT));
        assertEquals(Disposition.fail(Errno.EINVAL), call(Syscall.CLOCK_GETTIME, 12, OUT));
        assertEquals(Disposition.fail(Errno.EFAULT), call(Syscall.CLOCK_GETTIME, Time.CLOCK_REALTIME, 0));
    }

    @Test
    void monotonicRawReadsTheHostOnlyForBenchmarks() {
        assertEquals(Disposition.emulate(0), call(Syscall.CLOCK_GETTIME, Time.CLOCK_MONOTONIC_RAW, OUT));
        TimeHandler benchmark = new TimeHandler(clocks, true);
        assertEquals(Disposition.PASSTHROUGH,
                benchmark.onSyscall(stop(Syscall.CLOCK_GETTIME, Time.CLOCK_MONOTONIC_RAW, OUT).build()));
        assertEquals(Disposition.emulate(0), benchmark.onSyscall(stop(Syscall.CLOCK_GETTIME, Time.CLOCK_MONOTONIC, OUT).build()));
    }

    @Test
    void gettimeofdayTimeAndGetres() {
        memory.map(TID, 0x5000, 8);
        assertEquals(Disposition.emulate(0), call(Syscall.GETTIMEOFDAY, OUT, 0x5000));
        assertEquals(Clocks.DEFAULT_EPOCH_SECONDS + 5, memory.longAt(TID, OUT));
        assertEquals(123_456, memory.longAt(TID, OUT + 8), "microseconds, truncated");
        assertEquals(0, memory.longAt(TID, 0x5000), "timezone zeroed");
        assertEquals(Disposition.emulate(0), call(Syscall.GETTIMEOFDAY, 0, 0));
        assertEquals(Disposition.fail(Errno.EFAULT), call(Syscall.GETTIMEOFDAY, OUT, 0x9000));
        assertEquals(Disposition.emulate(Clocks.DEFAULT_EPOCH_SECONDS + 5), call(Syscall.TIME, 0));
        assertEquals(Disposition.emulate(Clocks.DEFAULT_EPOCH_SECONDS + 5), call(Syscall.TIME, OUT));
        assertEquals(Clocks.DEFAULT_EPOCH_SECONDS + 5, memory.longAt(TID, OUT));
        assertEquals(Disposition.fail(Errno.EFAULT), call(Syscall.TIME, 0x9000));
        assertEquals(Disposition.emulate(0), call(Syscall.CLOCK_GETRES, Time.CLOCK_MONOTONIC, OUT));
        assertEquals(1, memory.longAt(TID, OUT + 8), "1 ns resolution");
        assertEquals(Disposition.emulate(0), call(Syscall.CLOCK_GETRES, Time.CLOCK_MONOTONIC, 0));
        assertEquals(Disposition.fail(Errno.EINVAL), call(Syscall.CLOCK_GETRES, 10, OUT));
    }

    @Test
    void nanosleepWaitsUntilARelativeDeadline() {
        memory.putLongs(TID, REQ, 2, 5);
        assertEquals(Disposition.block(new WaitCondition.Sleep(), Deadline.after(now[0], 2 * S + 5)),
                call(Syscall.NANOSLEEP, REQ, REM));
        memory.putLongs(TID, REQ, 0, 0);
        assertEquals(Disposition.YIELD, call(Syscall.NANOSLEEP, REQ, REM), "a zero sleep ends the turn only");
        memory.putLongs(TID, REQ, 0, S);
        assertEquals(Disposition.fail(Errno.EINVAL), call(Syscall.NANOSLEEP, REQ, REM));
        assertEquals(Disposition.fail(Errno.EFAULT), call(Syscall.NANOSLEEP, 0, REM));
    }

    @Test
    void clockNanosleepAbsoluteOnItsClock() {
        memory.put(TID, REQ, Timespec.ofNanos(EPOCH + 9 * S).encode());
        assertEquals(Disposition.block(new WaitCondition.Sleep(), Deadline.at(9 * S)),
                call(Syscall.CLOCK_NANOSLEEP, Time.CLOCK_REALTIME, Time.TIMER_ABSTIME, REQ, 0));
        memory.put(TID, REQ, Timespec.ofNanos(Clocks.BOOT_NANOS + 7 * S).encode());
        assertEquals(Disposition.block(new WaitCondition.Sleep(), Deadline.at(7 * S)),
                call(Syscall.CLOCK_NANOSLEEP, Time.CLOCK_MONOTONIC, Time.TIMER_ABSTIME, REQ, 0));
        memory.put(TID, REQ, Timespec.ofNanos(Clocks.BOOT_NANOS + S).encode()); // already past: returns at once
        assertEquals(Disposition.emulate(0), call(Syscall.CLOCK_NANOSLEEP, Time.CLOCK_MONOTONIC, Time.TIMER_ABSTIME, REQ, 0));
        assertEquals(Disposition.fail(Errno.EINVAL), call(Syscall.CLOCK_NANOSLEEP, Time.CLOCK_THREAD_CPUTIME_ID, 0, REQ, 0));
        assertEquals(Disposition.fail(Errno.EINVAL), call(Syscall.CLOCK_NANOSLEEP, 10, 0, REQ, 0));
    }

    @Test
    void anInterruptedSleepWritesTheTimeLeft() {
        Deadline deadline = Deadline.at(now[0] + 3 * S + 7);
        WakeUp interrupted = new WakeUp(new WaitCondition.Sleep(), WakeUp.Cause.INTERRUPTED, deadline);
        memory.putLongs(TID, REQ, 4, 0);
        assertEquals(Disposition.fail(Errno.EINTR),
                handler.onSyscall(stop(Syscall.NANOSLEEP, REQ, REM).wakeUp(interrupted).build()));
        assertEquals(3, memory.longAt(TID, REM));
        assertEquals(7, memory.longAt(TID, REM + 8));
        int writes = memory.writes().size();
        assertEquals(Disposition.fail(Errno.EINTR), handler.onSyscall(stop(Syscall.CLOCK_NANOSLEEP,
                Time.CLOCK_MONOTONIC, Time.TIMER_ABSTIME, REQ, REM).wakeUp(interrupted).build()));
        assertEquals(writes, memory.writes().size(), "an absolute sleep leaves rem alone");
    }

    @Test
    void askedAgainTheSleepEndsOnlyAtItsDeadline() {
        Deadline deadline = Deadline.at(now[0] + S);
        WakeUp early = new WakeUp(new WaitCondition.Sleep(), WakeUp.Cause.MAY_BE_READY, deadline);
        assertEquals(Disposition.block(new WaitCondition.Sleep(), deadline),
                handler.onSyscall(stop(Syscall.NANOSLEEP, REQ, REM).wakeUp(early).build()));
        now[0] += S;
        WakeUp passed = new WakeUp(new WaitCondition.Sleep(), WakeUp.Cause.DEADLINE_PASSED, deadline);
        assertEquals(Disposition.emulate(0), handler.onSyscall(stop(Syscall.NANOSLEEP, REQ, REM).wakeUp(passed).build()));
    }
}
