package dev.detsim.sandbox.handlers;

import static dev.detsim.abi.Futex.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.detsim.abi.Timespec;
import dev.detsim.sandbox.api.Disposition;
import dev.detsim.sandbox.api.FakeGuestMemory;
import dev.detsim.sandbox.api.FakeSyscallStop;
import dev.detsim.abi.Errno;
import dev.detsim.sandbox.syscall.Syscall;
import dev.detsim.sandbox.world.Clocks;
import dev.detsim.scheduler.Deadline;
import dev.detsim.scheduler.FutexKey;
import dev.detsim.scheduler.FutexOp;
import dev.detsim.scheduler.ProcessId;
import dev.detsim.scheduler.WaitCondition;
import dev.detsim.scheduler.WakeUp;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import org.junit.jupiter.api.Test;

/** futex(2) decoded from the guest's arguments and memory into the scheduler's FutexOp. */
class FutexHandlerTest {
    private static final int TID = FakeSyscallStop.NO_SUCH_TID;
    private static final long UADDR = 0x1000, UADDR2 = 0x2000, TIMEOUT = 0x3000;
    private static final ProcessId P = ProcessId.of(1);

    private final long[] now = {0};
    private final Clocks clocks = new Clocks(() -> now[0], Clocks.DEFAULT_EPOCH_SECONDS);
    private final ByteArrayOutputStream warnings = new ByteArrayOutputStream();
    private final FutexHandler handler = new FutexHandler(clocks, new PrintStream(warnings, true));
    private final FakeGuestMemory memory = new FakeGuestMemory();

    private Disposition futex(long... args) {
        return handler.onSyscall(FakeSyscallStop.builder(Syscall.FUTEX, args).memory(memory).build());
    }

    private static FutexOp op(Disposition d) {
        return ((Disposition.Futex) d).op();
    }

    private static int wakeOp(int op, int cmp, int oparg, int cmparg) {
        return (op << 28) | (cmp << 24) | ((oparg & 0xfff) << 12) | (cmparg & 0xfff);
    }

    private static byte[] timespec(long nanos) {
        return Timespec.ofNanos(nanos).encode();
    }

    @Test
    void waitComparesTheWordWithTheExpectedValue() {
        memory.putInt(TID, UADDR, 7);
        assertEquals(new FutexOp.Wait(FutexKey.privateTo(P, UADDR), true, FUTEX_BITSET_MATCH_ANY, Deadline.NONE),
                op(futex(UADDR, FUTEX_WAIT | FUTEX_PRIVATE_FLAG, 7, 0, 0, 0)));
        // A changed word: the scheduler answers EAGAIN for a Wait whose value did not match.
        assertEquals(new FutexOp.Wait(FutexKey.privateTo(P, UADDR), false, FUTEX_BITSET_MATCH_ANY, Deadline.NONE),
                op(futex(UADDR, FUTEX_WAIT | FUTEX_PRIVATE_FLAG, 8, 0, 0, 0)));
        // The comparison is of 32-bit words: -1 in the register's low half matches 0xffffffff in memory.
        memory.putInt(TID, UADDR, -1);
        assertTrue(((FutexOp.Wait) op(futex(UADDR, FUTEX_WAIT, 0xffff_ffffL, 0, 0, 0))).valueMatched());
    }

    @Test
    void anUnreadableWordIsEfault() {
        assertEquals(Disposition.fail(Errno.EFAULT), futex(UADDR, FUTEX_WAIT, 0, 0, 0, 0));
        assertEquals(Disposition.fail(Errno.EFAULT), futex(UADDR, FUTEX_WAIT_BITSET, 0, 0, 0, 1));
        memory.put(TID, UADDR, new byte[3]); // the word's last byte is past the end of memory
        assertEquals(Disposition.fail(Errno.EFAULT), futex(UADDR, FUTEX_WAIT, 0, 0, 0, 0));
        assertEquals(Disposition.fail(Errno.EFAULT), futex(UADDR, FUTEX_CMP_REQUEUE, 1, 1, UADDR2, 0));
    }

    @Test
    void waitTimeoutIsRelativeAndWaitBitsetsIsAbsoluteOnItsClock() {
        memory.putInt(TID, UADDR, 0);
        now[0] = 5_000;
        memory.put(TID, TIMEOUT, timespec(2_000_000_001L));
        assertEquals(Deadline.after(5_000, 2_000_000_001L),
                ((FutexOp.Wait) op(futex(UADDR, FUTEX_WAIT, 0, TIMEOUT, 0, 0))).deadline());
        // WAIT_BITSET: an absolute CLOCK_MONOTONIC time (which starts at the machine's boot time)...
        memory.put(TID, TIMEOUT, timespec(Clocks.BOOT_NANOS + 3_000_000_000L));
        assertEquals(Deadline.at(3_000_000_000L),
                ((FutexOp.Wait) op(futex(UADDR, FUTEX_WAIT_BITSET, 0, TIMEOUT, 0, 0xff))).deadline());
        // ... or CLOCK_REALTIME with FUTEX_CLOCK_REALTIME.
        memory.put(TID, TIMEOUT, timespec(Clocks.DEFAULT_EPOCH_SECONDS * 1_000_000_000L + 4_000_000_000L));
        assertEquals(Deadline.at(4_000_000_000L),
                ((FutexOp.Wait) op(futex(UADDR, FUTEX_WAIT_BITSET | FUTEX_CLOCK_REALTIME, 0, TIMEOUT, 0, 0xff))).deadline());
        // FUTEX_WAIT stays relative with FUTEX_CLOCK_REALTIME.
        memory.put(TID, TIMEOUT, timespec(1_000));
        assertEquals(Deadline.after(5_000, 1_000),
                ((FutexOp.Wait) op(futex(UADDR, FUTEX_WAIT | FUTEX_CLOCK_REALTIME, 0, TIMEOUT, 0, 0))).deadline());
    }

    @Test
    void anInvalidTimeoutIsEinval() {
        memory.putInt(TID, UADDR, 0);
        memory.putLongs(TID, TIMEOUT, 0, 1_000_000_000L); // tv_nsec out of range
        assertEquals(Disposition.fail(Errno.EINVAL), futex(UADDR, FUTEX_WAIT, 0, TIMEOUT, 0, 0));
        memory.putLongs(TID, TIMEOUT, -1, 0);
        assertEquals(Disposition.fail(Errno.EINVAL), futex(UADDR, FUTEX_WAIT_BITSET, 0, TIMEOUT, 0, 1));
    }

    @Test
    void bitsetsGoToTheSchedulerAsGiven() {
        memory.putInt(TID, UADDR, 0);
        assertEquals(0x0f, ((FutexOp.Wait) op(futex(UADDR, FUTEX_WAIT_BITSET, 0, 0, 0, 0x0f))).bitset());
        // Bitset 0 is passed on unchanged: the scheduler answers it EINVAL (SchedulerTest covers that).
        assertEquals(0, ((FutexOp.Wait) op(futex(UADDR, FUTEX_WAIT_BITSET, 0, 0, 0, 0))).bitset());
        assertEquals(new FutexOp.Wake(FutexKey.privateTo(P, UADDR), 3, 0x30), op(futex(UADDR, FUTEX_WAKE_BITSET, 3, 0, 0, 0x30)));
        assertEquals(new FutexOp.Wake(FutexKey.privateTo(P, UADDR), 1, FUTEX_BITSET_MATCH_ANY), op(futex(UADDR, FUTEX_WAKE, 1, 0, 0, 0)));
    }

    @Test
    void requeueAndCmpRequeue() {
        FutexKey from = FutexKey.privateTo(P, UADDR), to = FutexKey.privateTo(P, UADDR2);
        assertEquals(new FutexOp.Requeue(from, 1, to, 100, true), op(futex(UADDR, FUTEX_REQUEUE, 1, 100, UADDR2, 0)));
        memory.putInt(TID, UADDR, 42);
        assertEquals(new FutexOp.Requeue(from, 1, to, 2, true), op(futex(UADDR, FUTEX_CMP_REQUEUE, 1, 2, UADDR2, 42)));
        assertEquals(new FutexOp.Requeue(from, 1, to, 2, false), op(futex(UADDR, FUTEX_CMP_REQUEUE, 1, 2, UADDR2, 41)));
    }

    @Test
    void wakeOpDecodesOpArgumentComparisonAndComparand() {
        FutexKey first = FutexKey.privateTo(P, UADDR), second = FutexKey.privateTo(P, UADDR2);
        // FUTEX_OP_ADD 3, FUTEX_OP_CMP_GT 4 on old value 5: 5 > 4 holds, the word becomes 8.
        memory.putInt(TID, UADDR2, 5);
        assertEquals(new FutexOp.WakeOp(first, 1, second, 2, true),
                op(futex(UADDR, FUTEX_WAKE_OP | FUTEX_PRIVATE_FLAG, 1, 2, UADDR2, wakeOp(1, 4, 3, 4))));
        assertEquals(8, memory.intAt(TID, UADDR2));
        // glibc's FUTEX_OP_CLEAR_WAKE_IF_GT_ONE: set 0, compare old > 1.
        memory.putInt(TID, UADDR2, 1);
        assertEquals(new FutexOp.WakeOp(first, 1, second, 1, false),
                op(futex(UADDR, FUTEX_WAKE_OP, 1, 1, UADDR2, wakeOp(0, 4, 0, 1))));
        assertEquals(0, memory.intAt(TID, UADDR2));
        // Sign-extended 12-bit fields: ADD -1, compare old < -1 (false for 0), old >= -2 (true).
        memory.putInt(TID, UADDR2, 0);
        assertEquals(false, ((FutexOp.WakeOp) op(futex(UADDR, FUTEX_WAKE_OP, 1, 1, UADDR2, wakeOp(1, 2, -1, -1)))).comparisonHeld());
        assertEquals(-1, memory.intAt(TID, UADDR2));
        assertEquals(true, ((FutexOp.WakeOp) op(futex(UADDR, FUTEX_WAKE_OP, 1, 1, UADDR2, wakeOp(0, 5, 9, -2)))).comparisonHeld());
        assertEquals(9, memory.intAt(TID, UADDR2));
    }

    @Test
    void wakeOpEachOperationAndComparison() {
        int[][] ops = { // op, oparg, old, expected new
            {0, 6, 3, 6}, {1, 6, 3, 9}, {2, 6, 3, 7}, {3, 6, 7, 1}, {4, 6, 3, 5}};
        for (int[] o : ops) {
            memory.putInt(TID, UADDR2, o[2]);
            futex(UADDR, FUTEX_WAKE_OP, 1, 1, UADDR2, wakeOp(o[0], 0, o[1], 0));
            assertEquals(o[3], memory.intAt(TID, UADDR2), "op " + o[0]);
        }
        boolean[][] held = { // old 3 against cmparg 3 and 4, for EQ NE LT LE GT GE
            {true, false}, {false, true}, {false, true}, {true, true}, {false, false}, {true, false}};
        for (int cmp = 0; cmp < 6; cmp++) {
            for (int j = 0; j < 2; j++) {
                memory.putInt(TID, UADDR2, 3);
                FutexOp.WakeOp w = (FutexOp.WakeOp) op(futex(UADDR, FUTEX_WAKE_OP, 1, 1, UADDR2, wakeOp(2, cmp, 0, 3 + j)));
                assertEquals(held[cmp][j], w.comparisonHeld(), "cmp " + cmp + " cmparg " + (3 + j));
            }
        }
    }

    @Test
    void wakeOpShiftedArgumentAndBadEncodings() {
        // FUTEX_OP_OPARG_SHIFT: the argument is 1 << oparg.
        memory.putInt(TID, UADDR2, 1);
        futex(UADDR, FUTEX_WAKE_OP, 1, 1, UADDR2, wakeOp(8 | 2, 0, 4, 0));
        assertEquals(1 | 16, memory.intAt(TID, UADDR2));
        assertEquals(Disposition.fail(Errno.EINVAL), futex(UADDR, FUTEX_WAKE_OP, 1, 1, UADDR2, wakeOp(8 | 2, 0, 32, 0)));
        assertEquals(Disposition.fail(Errno.EINVAL), futex(UADDR, FUTEX_WAKE_OP, 1, 1, UADDR2, wakeOp(8 | 2, 0, -1, 0)));
        int writes = memory.writes().size();
        // Unknown op or comparison: ENOSYS, and the word is left alone.
        assertEquals(Disposition.fail(Errno.ENOSYS), futex(UADDR, FUTEX_WAKE_OP, 1, 1, UADDR2, wakeOp(5, 0, 0, 0)));
        assertEquals(Disposition.fail(Errno.ENOSYS), futex(UADDR, FUTEX_WAKE_OP, 1, 1, UADDR2, wakeOp(0, 6, 0, 0)));
        assertEquals(writes, memory.writes().size());
        // The word at uaddr2 unreadable, or not writable: EFAULT.
        assertEquals(Disposition.fail(Errno.EFAULT), futex(UADDR, FUTEX_WAKE_OP, 1, 1, 0x9000, wakeOp(0, 0, 0, 0)));
        memory.putReadOnly(TID, 0x9000, new byte[4]);
        assertEquals(Disposition.fail(Errno.EFAULT), futex(UADDR, FUTEX_WAKE_OP, 1, 1, 0x9000, wakeOp(0, 0, 0, 0)));
    }

    @Test
    void sharedFlagInPrivateMemoryIsKeyedByProcess() {
        // The fake thread has no MAP_SHARED mapping: without FUTEX_PRIVATE_FLAG the key is still its process's.
        assertEquals(new FutexOp.Wake(FutexKey.privateTo(ProcessId.of(3), UADDR), 1),
                op(handler.onSyscall(FakeSyscallStop.builder(Syscall.FUTEX, UADDR, FUTEX_WAKE, 1).thread(5, 3).build())));
    }

    @Test
    void piOperationsAndFutexWaitvAreRefusedAndReportedOnce() {
        assertEquals(Disposition.fail(Errno.ENOSYS), futex(UADDR, FUTEX_LOCK_PI, 0, 0, 0, 0));
        assertEquals(Disposition.fail(Errno.ENOSYS), futex(UADDR, FUTEX_LOCK_PI | FUTEX_PRIVATE_FLAG, 0, 0, 0, 0));
        assertEquals(Disposition.fail(Errno.ENOSYS), handler.onSyscall(FakeSyscallStop.builder(Syscall.FUTEX_WAITV).build()));
        assertEquals(Disposition.fail(Errno.ENOSYS), futex(UADDR, 99, 0, 0, 0, 0));
        String w = warnings.toString();
        assertEquals(1, w.split("futex PI op 6", -1).length - 1, w);
        assertTrue(w.contains("futex_waitv") && w.contains("futex op 99"), w);
    }

    @Test
    void askedAgainAfterTheWaitTheCallReturnsTheWakeUpsValue() {
        WaitCondition c = new WaitCondition.FutexWait(FutexKey.privateTo(P, UADDR), FUTEX_BITSET_MATCH_ANY);
        var stop = FakeSyscallStop.builder(Syscall.FUTEX, UADDR, FUTEX_WAIT, 0).memory(memory);
        assertEquals(Disposition.emulate(0),
                handler.onSyscall(stop.wakeUp(new WakeUp(c, WakeUp.Cause.WOKEN, Deadline.NONE)).build()));
        assertEquals(Disposition.fail(110) /* ETIMEDOUT */,
                handler.onSyscall(stop.wakeUp(new WakeUp(c, WakeUp.Cause.DEADLINE_PASSED, Deadline.at(5))).build()));
        assertEquals(Disposition.fail(Errno.EINTR),
                handler.onSyscall(stop.wakeUp(new WakeUp(c, WakeUp.Cause.INTERRUPTED, Deadline.NONE)).build()));
    }
}
