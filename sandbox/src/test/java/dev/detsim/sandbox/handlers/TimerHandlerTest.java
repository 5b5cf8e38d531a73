package dev.detsim.sandbox.handlers;

import static dev.detsim.abi.Signals.SIGALRM;
import static dev.detsim.abi.Signals.SIGUSR1;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.detsim.abi.Sigevent;
import dev.detsim.abi.Siginfo;
import dev.detsim.abi.Signals;
import dev.detsim.abi.Time;
import dev.detsim.sandbox.api.Disposition;
import dev.detsim.sandbox.api.FakeDescriptors;
import dev.detsim.sandbox.api.FakeExecStop;
import dev.detsim.sandbox.api.FakeGuestMemory;
import dev.detsim.sandbox.api.FakeSyscallStop;
import dev.detsim.sandbox.api.FakeTimerDelivery;
import dev.detsim.abi.Errno;
import dev.detsim.sandbox.syscall.Syscall;
import dev.detsim.sandbox.world.Clocks;
import dev.detsim.scheduler.ProcessId;
import dev.detsim.scheduler.TimerKey;
import dev.detsim.scheduler.TimerQueue;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** Interval and POSIX timers kept on the virtual clock: arming, what the program reads back, expiry. */
class TimerHandlerTest {
    private static final int TID = FakeSyscallStop.NO_SUCH_TID;
    private static final long IN = 0x1000, OUT = 0x2000, ID = 0x3000, SEV = 0x4000;
    private static final long S = 1_000_000_000L;
    private static final ProcessId P = ProcessId.of(1);

    private final long[] now = {0};
    private final Clocks clocks = new Clocks(() -> now[0], Clocks.DEFAULT_EPOCH_SECONDS);
    private final TimerQueue queue = new TimerQueue();
    private final TimerHandler handler = new TimerHandler(clocks, queue);
    private final FakeGuestMemory memory = new FakeGuestMemory().map(TID, OUT, 32);
    private final FakeTimerDelivery delivery = new FakeTimerDelivery(new FakeDescriptors());

    private Disposition call(Syscall s, long... args) {
        return handler.onSyscall(FakeSyscallStop.builder(s, args).memory(memory).build());
    }

    private static byte[] pair(long a, long b) {
        return ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(a).putLong(b).array();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private long[] longsAt(long address, int n) {
        long[] out = new long[n];
        for (int i = 0; i < n; i++) out[i] = memory.longAt(TID, address + 8L * i);
        return out;
    }

    @Test
    void setitimerArmsOnTheVirtualClockAndGetitimerRoundsUpToMicroseconds() {
        now[0] = 7 * S;
        memory.put(TID, IN, concat(pair(1, 500_000), pair(2, 0))); // interval 1.5 s, value 2 s
        assertEquals(Disposition.emulate(0), call(Syscall.SETITIMER, 0, IN, 0));
        assertEquals(OptionalLong.of(9 * S), queue.expiry(new TimerKey(P, TimerHandler.ITIMER, 0)));
        now[0] = 8 * S + 1; // 1 s - 1 ns left: shown as a whole microsecond, never rounded down
        assertEquals(Disposition.emulate(0), call(Syscall.GETITIMER, 0, OUT));
        assertArrayEquals(new long[] {1, 500_000, 1, 0}, longsAt(OUT, 4));
        now[0] = 9 * S - 1; // 1 ns left: 1 µs, not 0 (which would say "disarmed")
        call(Syscall.GETITIMER, 0, OUT);
        assertArrayEquals(new long[] {1, 500_000, 0, 1}, longsAt(OUT, 4));
    }

    @Test
    void setitimerReturnsTheOldValueAndANullOrZeroValueDisarms() {
        memory.put(TID, IN, concat(pair(0, 0), pair(3, 0)));
        call(Syscall.SETITIMER, 2, IN, 0); // ITIMER_PROF
        now[0] = S / 2;
        assertEquals(Disposition.emulate(0), call(Syscall.SETITIMER, 2, 0, OUT)); // NULL new value: disarm
        assertArrayEquals(new long[] {0, 0, 2, 500_000}, longsAt(OUT, 4));
        assertTrue(queue.expiry(new TimerKey(P, TimerHandler.ITIMER, 2)).isEmpty());
        call(Syscall.GETITIMER, 2, OUT);
        assertArrayEquals(new long[] {0, 0, 0, 0}, longsAt(OUT, 4));
        // An interval with a zero value stays disarmed and reads back as 0.
        memory.put(TID, IN, concat(pair(5, 0), pair(0, 0)));
        call(Syscall.SETITIMER, 0, IN, 0);
        call(Syscall.GETITIMER, 0, OUT);
        assertArrayEquals(new long[] {0, 0, 0, 0}, longsAt(OUT, 4));
    }

    @Test
    void itimerArgumentErrors() {
        assertEquals(Disposition.fail(Errno.EINVAL), call(Syscall.GETITIMER, 3, OUT));
        assertEquals(Disposition.fail(Errno.EINVAL), call(Syscall.SETITIMER, -1, 0, 0));
        assertEquals(Disposition.fail(Errno.EFAULT), call(Syscall.GETITIMER, 0, 0));
        assertEquals(Disposition.fail(Errno.EFAULT), call(Syscall.SETITIMER, 0, 0x9000, 0)); // unmapped
        memory.put(TID, IN, concat(pair(0, 0), pair(1, 1_000_000))); // tv_usec out of range
        assertEquals(Disposition.fail(Errno.EINVAL), call(Syscall.SETITIMER, 0, IN, 0));
        assertTrue(queue.isEmpty());
    }

    @Test
    void alarmReturnsTheSecondsLeftRoundedAsTheKernelDoes() {
        assertEquals(Disposition.emulate(0), call(Syscall.ALARM, 10));
        now[0] = 8 * S + S / 2; // 1.5 s left: rounds to 2
        assertEquals(Disposition.emulate(2), call(Syscall.ALARM, 10));
        now[0] += 9 * S + 6 * S / 10; // 0.4 s left: less than a second but not none, so 1
        assertEquals(Disposition.emulate(1), call(Syscall.ALARM, 0));
        assertTrue(queue.isEmpty(), "alarm(0) cancels");
        assertEquals(Disposition.emulate(0), call(Syscall.ALARM, 0));
        // The argument is an unsigned int: the register's upper half is not seconds.
        call(Syscall.ALARM, (1L << 32) | 3);
        assertEquals(OptionalLong.of(now[0] + 3 * S), queue.expiry(new TimerKey(P, TimerHandler.ITIMER, 0)));
    }

    @Test
    void periodicItimerCountsMissedPeriodsAndSendsOneSignalWhileOneIsPending() {
        memory.put(TID, IN, concat(pair(1, 0), pair(1, 0)));
        call(Syscall.SETITIMER, 0, IN, 0);
        TimerKey key = new TimerKey(P, TimerHandler.ITIMER, 0);
        now[0] = 3 * S + S / 2; // expired at 1 s; the periods at 2 s and 3 s have passed too
        handler.onTimer(key, S, delivery);
        assertEquals(1, delivery.sent().size());
        assertEquals(SIGALRM, delivery.sent().get(0).signal());
        assertNull(delivery.sent().get(0).siginfo(), "an itimer's signal is a plain one");
        assertEquals(OptionalLong.of(4 * S), queue.expiry(key), "re-armed at the next period after now");
        now[0] = 4 * S;
        handler.onTimer(key, 4 * S, delivery); // SIGALRM still pending: no second one
        assertEquals(1, delivery.sent().size());
    }

    private int createTimer(int clock, long sevp) {
        memory.map(TID, ID, 4);
        assertEquals(Disposition.emulate(0), call(Syscall.TIMER_CREATE, clock, sevp, ID));
        return memory.intAt(TID, ID);
    }

    private static byte[] sigevent(long sigval, int signal, int notify) {
        return new Sigevent(sigval, signal, notify, 0).encode();
    }

    @Test
    void timerCreateNumbersTimersPerProcessAndChecksTheSigevent() {
        assertEquals(0, createTimer(Time.CLOCK_MONOTONIC, 0));
        assertEquals(1, createTimer(Time.CLOCK_REALTIME, 0));
        assertEquals(Disposition.fail(Errno.EINVAL), call(Syscall.TIMER_CREATE, Time.CLOCK_MONOTONIC_RAW, 0, ID));
        assertEquals(Disposition.fail(Errno.EINVAL), call(Syscall.TIMER_CREATE, 10, 0, ID));
        memory.put(TID, SEV, sigevent(0, SIGUSR1, Sigevent.SIGEV_THREAD)); // glibc's, not the kernel's
        assertEquals(Disposition.fail(Errno.EINVAL), call(Syscall.TIMER_CREATE, Time.CLOCK_MONOTONIC, SEV, ID));
        memory.put(TID, SEV, sigevent(0, 65, Sigevent.SIGEV_SIGNAL));
        assertEquals(Disposition.fail(Errno.EINVAL), call(Syscall.TIMER_CREATE, Time.CLOCK_MONOTONIC, SEV, ID));
        assertEquals(Disposition.fail(Errno.EFAULT), call(Syscall.TIMER_CREATE, Time.CLOCK_MONOTONIC, 0, 0));
        assertEquals(2, createTimer(Time.CLOCK_MONOTONIC, 0), "failed creates use no id");
        assertEquals(Disposition.fail(Errno.EINVAL), call(Syscall.TIMER_SETTIME, 9, 0, IN, 0));
        assertEquals(Disposition.fail(Errno.EINVAL), call(Syscall.TIMER_DELETE, 9));
    }

    @Test
    void timerSettimeRelativeAndAbsoluteAndGettimeInNanoseconds() {
        int id = createTimer(Time.CLOCK_REALTIME, 0);
        TimerKey key = new TimerKey(P, TimerHandler.POSIX, id);
        now[0] = S;
        memory.put(TID, IN, concat(pair(0, 250), pair(2, 7)));
        assertEquals(Disposition.emulate(0), call(Syscall.TIMER_SETTIME, id, 0, IN, 0));
        assertEquals(OptionalLong.of(3 * S + 7), queue.expiry(key));
        assertEquals(Disposition.emulate(0), call(Syscall.TIMER_GETTIME, id, OUT));
        assertArrayEquals(new long[] {0, 250, 2, 7}, longsAt(OUT, 4), "itimerspec: nanoseconds, unrounded");
        // TIMER_ABSTIME on CLOCK_REALTIME: an epoch time; one already past fires now.
        long epoch = Clocks.DEFAULT_EPOCH_SECONDS * S;
        memory.put(TID, IN, concat(pair(0, 0), pair(Clocks.DEFAULT_EPOCH_SECONDS + 5, 0)));
        call(Syscall.TIMER_SETTIME, id, 1, IN, OUT);
        assertArrayEquals(new long[] {0, 250, 2, 7}, longsAt(OUT, 4), "the old setting");
        assertEquals(OptionalLong.of(5 * S), queue.expiry(key));
        memory.put(TID, IN, concat(pair(0, 0), pair(Clocks.DEFAULT_EPOCH_SECONDS, 0)));
        call(Syscall.TIMER_SETTIME, id, 1, IN, 0);
        assertEquals(OptionalLong.of(now[0]), queue.expiry(key));
        assertTrue(epoch > 0);
        memory.put(TID, IN, concat(pair(0, -1), pair(1, 0)));
        assertEquals(Disposition.fail(Errno.EINVAL), call(Syscall.TIMER_SETTIME, id, 0, IN, 0));
        assertEquals(Disposition.emulate(0), call(Syscall.TIMER_DELETE, id));
        assertTrue(queue.expiry(key).isEmpty());
    }

    @Test
    void posixTimerExpirySendsSiginfoAndCountsOverruns() {
        memory.put(TID, SEV, sigevent(0xabcdL, SIGUSR1, Sigevent.SIGEV_SIGNAL));
        int id = createTimer(Time.CLOCK_MONOTONIC, SEV);
        TimerKey key = new TimerKey(P, TimerHandler.POSIX, id);
        memory.put(TID, IN, concat(pair(0, S / 10), pair(0, S / 10))); // every 100 ms
        call(Syscall.TIMER_SETTIME, id, 0, IN, 0);
        now[0] = S / 10 + 2 * S / 10 + 5; // two more periods passed before this delivery
        handler.onTimer(key, S / 10, delivery);
        ByteBuffer info = ByteBuffer.wrap(delivery.sent().get(0).siginfo()).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(SIGUSR1, info.getInt(Siginfo.SI_SIGNO));
        assertEquals(Signals.SI_TIMER, info.getInt(Siginfo.SI_CODE));
        assertEquals(id, info.getInt(Siginfo.SI_TIMERID));
        assertEquals(2, info.getInt(Siginfo.SI_OVERRUN), "overrun");
        assertEquals(0xabcdL, info.getLong(Siginfo.SI_VALUE), "sigval");
        assertEquals(Disposition.emulate(2), call(Syscall.TIMER_GETOVERRUN, id));
        now[0] = 4 * S / 10;
        handler.onTimer(key, 4 * S / 10, delivery); // the signal is still pending: one more overrun
        assertEquals(1, delivery.sent().size());
        assertEquals(Disposition.emulate(3), call(Syscall.TIMER_GETOVERRUN, id));
        delivery.take(P, 0, SIGUSR1);
        now[0] = 5 * S / 10;
        handler.onTimer(key, 5 * S / 10, delivery);
        assertEquals(2, delivery.sent().size());
        assertEquals(Disposition.emulate(0), call(Syscall.TIMER_GETOVERRUN, id));
    }

    @Test
    void sigevNoneSendsNothingAndAGoneProcessLosesItsTimers() {
        memory.put(TID, SEV, sigevent(0, 0, Sigevent.SIGEV_NONE));
        int id = createTimer(Time.CLOCK_MONOTONIC, SEV);
        memory.put(TID, IN, concat(pair(0, 0), pair(1, 0)));
        call(Syscall.TIMER_SETTIME, id, 0, IN, 0);
        now[0] = S;
        handler.onTimer(new TimerKey(P, TimerHandler.POSIX, id), S, delivery);
        assertTrue(delivery.sent().isEmpty());
        int other = createTimer(Time.CLOCK_MONOTONIC, 0);
        call(Syscall.TIMER_SETTIME, other, 0, IN, 0);
        delivery.gone(P);
        handler.onTimer(new TimerKey(P, TimerHandler.POSIX, other), 2 * S, delivery);
        assertTrue(queue.isEmpty());
        assertEquals(Disposition.fail(Errno.EINVAL), call(Syscall.TIMER_GETOVERRUN, other));
    }

    @Test
    void execDeletesPosixTimersAndKeepsItimers() {
        int id = createTimer(Time.CLOCK_MONOTONIC, 0);
        memory.put(TID, IN, concat(pair(0, 0), pair(1, 0)));
        call(Syscall.TIMER_SETTIME, id, 0, IN, 0);
        memory.put(TID, IN, concat(pair(0, 0), pair(1, 0)));
        call(Syscall.SETITIMER, 0, IN, 0);
        handler.onExec(new FakeExecStop(TID, P, 0, memory));
        assertTrue(queue.expiry(new TimerKey(P, TimerHandler.POSIX, id)).isEmpty());
        assertEquals(Disposition.fail(Errno.EINVAL), call(Syscall.TIMER_GETTIME, id, OUT));
        assertTrue(queue.expiry(new TimerKey(P, TimerHandler.ITIMER, 0)).isPresent());
        assertEquals(0, createTimer(Time.CLOCK_MONOTONIC, 0), "ids start again from 0");
    }
}
