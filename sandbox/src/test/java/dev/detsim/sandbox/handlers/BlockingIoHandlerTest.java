package dev.detsim.sandbox.handlers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.detsim.abi.OpenFlags;
import dev.detsim.abi.Poll;
import dev.detsim.abi.PollFd;
import dev.detsim.sandbox.api.AfterReturn;
import dev.detsim.sandbox.api.Disposition;
import dev.detsim.sandbox.api.FakeDescriptors;
import dev.detsim.sandbox.api.FakeGuestMemory;
import dev.detsim.sandbox.api.FakeSyscallStop;
import dev.detsim.abi.Errno;
import dev.detsim.sandbox.syscall.Syscall;
import dev.detsim.sandbox.world.Clocks;
import dev.detsim.scheduler.Deadline;
import dev.detsim.scheduler.ProcessId;
import dev.detsim.scheduler.WaitCondition;
import dev.detsim.scheduler.WaitCondition.Readiness;
import dev.detsim.scheduler.WaitCondition.Readiness.Interest;
import dev.detsim.scheduler.WakeUp;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Calls that wait for descriptors: when they park, on what, until when, and how they run afterwards. */
class BlockingIoHandlerTest {
    private static final int TID = FakeSyscallStop.NO_SUCH_TID;
    private static final ProcessId P = ProcessId.of(1);
    private static final int IN = Poll.POLLIN, OUT = Poll.POLLOUT, PRI = Poll.POLLPRI;
    private static final long BUF = 0x10_0000, SETS = 0x2_0000, TIMEOUT = 0x3000, MASK = 0x4000, PAIR = 0x5000;
    private static final long MS = 1_000_000L;

    private final long[] now = {1_000};
    private final Clocks clocks = new Clocks(() -> now[0], Clocks.DEFAULT_EPOCH_SECONDS);
    private final BlockingIoHandler handler = new BlockingIoHandler(clocks, name -> name.endsWith("random-fifo"));
    private final FakeGuestMemory memory = new FakeGuestMemory();
    private final FakeDescriptors fds = new FakeDescriptors();

    private FakeSyscallStop.Builder stop(Syscall s, long... args) {
        return FakeSyscallStop.builder(s, args).memory(memory).descriptors(fds);
    }

    private Disposition call(Syscall s, long... args) {
        return handler.onSyscall(stop(s, args).build());
    }

    private static WakeUp wake(WakeUp.Cause cause) {
        return new WakeUp(new WaitCondition.Sleep(), cause, Deadline.NONE);
    }

    @Test
    void aReadParksOnlyWhileItsDescriptorWouldWait() {
        FakeDescriptors.File pipe = fds.open(TID, 3, "pipe:[1]");
        assertEquals(Disposition.block(Readiness.of(P, 3, IN), Deadline.NONE), call(Syscall.READ, 3, BUF, 10));
        pipe.revents = IN;
        assertEquals(Disposition.PASSTHROUGH, call(Syscall.READ, 3, BUF, 10));
        pipe.revents = Poll.POLLHUP; // a closed writer: the read returns 0 at once
        assertEquals(Disposition.PASSTHROUGH, call(Syscall.READ, 3, BUF, 10));
        pipe.revents = 0;
        pipe.statusFlags = OpenFlags.O_NONBLOCK; // EAGAIN from the kernel
        assertEquals(Disposition.PASSTHROUGH, call(Syscall.READ, 3, BUF, 10));
        assertEquals(Disposition.PASSTHROUGH, call(Syscall.READ, 4, BUF, 10), "not open: EBADF from the kernel");
    }

    @Test
    void socketCallsWithMsgDontwaitNeverPark() {
        fds.open(TID, 5, "socket:[9]");
        assertEquals(Disposition.PASSTHROUGH, call(Syscall.RECVFROM, 5, BUF, 10, 0x40, 0, 0));
        assertEquals(Disposition.PASSTHROUGH, call(Syscall.SENDMSG, 5, BUF, 0x40));
        assertEquals(Disposition.block(Readiness.of(P, 5, IN), Deadline.NONE), call(Syscall.RECVMSG, 5, BUF, 0));
        assertEquals(Disposition.block(Readiness.of(P, 5, OUT), Deadline.NONE), call(Syscall.SENDTO, 5, BUF, 1, 0, 0, 0));
        assertEquals(Disposition.block(Readiness.of(P, 5, IN), Deadline.NONE), call(Syscall.ACCEPT4, 5, 0, 0, 0));
    }

    @Test
    void aDescriptorDetsimFeedsIsAwaitedInHostTimeInsteadOfParked() {
        FakeDescriptors.File fifo = fds.open(TID, 6, "/tmp/detsim/random-fifo");
        fifo.arrivesInTime = true;
        assertEquals(Disposition.PASSTHROUGH, call(Syscall.READ, 6, BUF, 16));
        fifo.arrivesInTime = false; // detsim's writer did not come: parked like any other
        assertEquals(Disposition.block(Readiness.of(P, 6, IN), Deadline.NONE), call(Syscall.READ, 6, BUF, 16));
    }

    @Test
    void anInterruptedWaitRunsTheCallWithTheSignalPending() {
        fds.open(TID, 3, "pipe:[1]");
        assertEquals(Disposition.PASSTHROUGH, handler.onSyscall(stop(Syscall.READ, 3, BUF, 10)
                .wakeUp(wake(WakeUp.Cause.INTERRUPTED)).build()));
        assertEquals(Disposition.PASSTHROUGH, handler.onSyscall(stop(Syscall.POLL, 0, 0, -1)
                .wakeUp(wake(WakeUp.Cause.INTERRUPTED)).build()));
    }

    /** fd_set bitmaps for nfds 1024: bit fd of byte fd / 8. */
    private void fdSet(long address, int... set) {
        byte[] bits = new byte[128];
        for (int fd : set) bits[fd / 8] |= (byte) (1 << (fd % 8));
        memory.put(TID, address, bits);
    }

    @Test
    void selectReadsItsThreeBitmapsIntoInterests() {
        for (int fd : new int[] {0, 5, 7, 9, 1023}) fds.open(TID, fd, "pipe:[" + fd + "]");
        fdSet(SETS, 0, 5, 1023);
        fdSet(SETS + 128, 7);
        fdSet(SETS + 256, 9);
        memory.putLongs(TID, TIMEOUT, 2, 500_000); // 2.5 s
        Disposition d = call(Syscall.SELECT, 1024, SETS, SETS + 128, SETS + 256, TIMEOUT);
        assertEquals(Disposition.block(new Readiness(P, List.of(new Interest(0, IN), new Interest(5, IN),
                new Interest(1023, IN), new Interest(7, OUT), new Interest(9, PRI))),
                Deadline.after(now[0], 2_500 * MS)), d);
        // nfds limits the bitmaps read: with nfds 4 only fd 3's bit counts, and one long is read.
        memory.put(TID, SETS, new byte[128]);
        fdSet(SETS, 3);
        fds.open(TID, 3, "pipe:[3]");
        Disposition few = call(Syscall.SELECT, 4, SETS, 0, 0, 0);
        assertEquals(Disposition.block(Readiness.of(P, 3, IN), Deadline.NONE), few);
        // One of them ready: the kernel answers at once.
        fds.file(TID, 7).revents = OUT;
        fdSet(SETS, 0, 5, 1023);
        assertEquals(Disposition.PASSTHROUGH, call(Syscall.SELECT, 1024, SETS, SETS + 128, SETS + 256, TIMEOUT));
    }

    @Test
    void selectBitmapsShorterThanNfdsNeedLetTheKernelFault() {
        memory.put(TID, SETS, new byte[8]); // 64 bits mapped, 1024 asked for
        assertEquals(Disposition.PASSTHROUGH, call(Syscall.SELECT, 1024, SETS, 0, 0, 0));
    }

    @Test
    void selectWithoutDescriptorsIsASleepOrAWaitForASignal() {
        memory.putLongs(TID, TIMEOUT, 0, 300_000);
        assertEquals(Disposition.block(new WaitCondition.Sleep(), Deadline.after(now[0], 300 * MS)),
                call(Syscall.SELECT, 0, 0, 0, 0, TIMEOUT));
        assertEquals(Disposition.block(WaitCondition.Signal.any(), Deadline.NONE), call(Syscall.SELECT, 0, 0, 0, 0, 0));
        memory.putLongs(TID, TIMEOUT, 0, 0);
        assertEquals(Disposition.PASSTHROUGH, call(Syscall.SELECT, 0, 0, 0, 0, TIMEOUT), "a zero timeout polls");
    }

    @Test
    void selectAfterItsDeadlineRunsWithTheRemainingTimeZeroed() {
        memory.putLongs(TID, TIMEOUT, 3, 3);
        assertEquals(Disposition.PASSTHROUGH, handler.onSyscall(stop(Syscall.SELECT, 1, SETS, 0, 0, TIMEOUT)
                .wakeUp(wake(WakeUp.Cause.DEADLINE_PASSED)).build()));
        assertEquals(0, memory.longAt(TID, TIMEOUT));
        assertEquals(0, memory.longAt(TID, TIMEOUT + 8));
    }

    private void pollfds(long address, int... fdEvents) {
        PollFd[] p = new PollFd[fdEvents.length / 2];
        for (int i = 0; i < p.length; i++) p[i] = new PollFd(fdEvents[2 * i], fdEvents[2 * i + 1], 0);
        memory.put(TID, address, PollFd.encodeAll(p));
    }

    @Test
    void pollTimeoutsAndNegativeDescriptors() {
        fds.open(TID, 3, "pipe:[1]");
        fds.open(TID, 4, "pipe:[2]");
        pollfds(BUF, 3, IN, -1, IN, 4, OUT | IN);
        assertEquals(Disposition.block(new Readiness(P, List.of(new Interest(3, IN), new Interest(4, OUT | IN))),
                Deadline.NONE), call(Syscall.POLL, BUF, 3, -1));
        assertEquals(Disposition.block(new Readiness(P, List.of(new Interest(3, IN), new Interest(4, OUT | IN))),
                Deadline.after(now[0], 250 * MS)), call(Syscall.POLL, BUF, 3, 250));
        // Any negative int is "forever"; the register's upper half is not part of it.
        assertTrue(((Disposition.Block) call(Syscall.POLL, BUF, 3, 0xffff_ffff_ffff_fff0L)).deadline().isNone());
        assertTrue(((Disposition.Block) call(Syscall.POLL, BUF, 3, (1L << 32) | 5)).deadline().equals(
                Deadline.after(now[0], 5 * MS)));
        assertEquals(Disposition.PASSTHROUGH, call(Syscall.POLL, BUF, 3, 0));
        assertEquals(Disposition.PASSTHROUGH, call(Syscall.POLL, 0x9_0000, 3, -1), "unreadable: EFAULT from the kernel");
        pollfds(BUF, -1, IN);
        assertEquals(Disposition.block(WaitCondition.Signal.any(), Deadline.NONE), call(Syscall.POLL, BUF, 1, -1));
        FakeSyscallStop timedOut = stop(Syscall.POLL, BUF, 3, 250).wakeUp(wake(WakeUp.Cause.DEADLINE_PASSED)).build();
        assertEquals(Disposition.PASSTHROUGH, handler.onSyscall(timedOut));
        assertEquals(0, timedOut.argument(2), "the deadline passed: the kernel gives its own answer at once");
    }

    @Test
    void ppollWaitsUnderTheCallsSignalMask() {
        fds.open(TID, 3, "pipe:[1]");
        pollfds(BUF, 3, IN);
        memory.putLong(TID, MASK, 1L << 16); // the mask the call names (SIGCHLD's bit)
        FakeSyscallStop s = stop(Syscall.PPOLL, BUF, 1, 0, MASK, 8).build();
        assertEquals(Disposition.block(Readiness.of(P, 3, IN), Deadline.NONE), handler.onSyscall(s));
        assertEquals(1L << 16, s.signalMask());
        FakeSyscallStop badSize = stop(Syscall.PPOLL, BUF, 1, 0, MASK, 16).build();
        assertEquals(Disposition.PASSTHROUGH, handler.onSyscall(badSize), "EINVAL from the kernel");
        assertNull(badSize.signalMask());
        assertEquals(Disposition.PASSTHROUGH, call(Syscall.PPOLL, BUF, 1, 0, 0x9_0000, 8), "EFAULT from the kernel");
        FakeSyscallStop noMask = stop(Syscall.PPOLL, BUF, 1, 0, 0, 8).build();
        assertTrue(handler.onSyscall(noMask) instanceof Disposition.Block);
        assertNull(noMask.signalMask(), "no mask: the thread's own");
    }

    @Test
    void ppollTimespecTimeoutAndItsZeroingAfterTheDeadline() {
        fds.open(TID, 3, "pipe:[1]");
        pollfds(BUF, 3, IN);
        memory.putLongs(TID, TIMEOUT, 1, 5);
        assertEquals(Deadline.after(now[0], 1_000_000_005L),
                ((Disposition.Block) call(Syscall.PPOLL, BUF, 1, TIMEOUT, 0, 8)).deadline());
        memory.putLongs(TID, TIMEOUT, 0, 0);
        assertEquals(Disposition.PASSTHROUGH, call(Syscall.PPOLL, BUF, 1, TIMEOUT, 0, 8));
        FakeSyscallStop timedOut = stop(Syscall.PPOLL, BUF, 1, TIMEOUT, 0, 8).wakeUp(wake(WakeUp.Cause.DEADLINE_PASSED)).build();
        assertEquals(Disposition.PASSTHROUGH, handler.onSyscall(timedOut));
        long scratch = timedOut.scratchAddresses().get(0);
        assertEquals(scratch, timedOut.argument(2), "the program's own timespec is not written");
        assertArrayEquals(new byte[16], memory.bytesAt(TID, scratch, 16));
        assertTrue(memory.writes().stream().allMatch(w -> w.scratch()));
    }

    @Test
    void pselect6TakesItsMaskFromAPointerSizePair() {
        fds.open(TID, 2, "pipe:[1]");
        fdSet(SETS, 2);
        memory.putLong(TID, MASK, 0x5);
        memory.putLongs(TID, PAIR, MASK, 8);
        FakeSyscallStop s = stop(Syscall.PSELECT6, 3, SETS, 0, 0, 0, PAIR).build();
        assertEquals(Disposition.block(Readiness.of(P, 2, IN), Deadline.NONE), handler.onSyscall(s));
        assertEquals(0x5L, s.signalMask());
        memory.putLongs(TID, PAIR, MASK, 128);
        FakeSyscallStop bad = stop(Syscall.PSELECT6, 3, SETS, 0, 0, 0, PAIR).build();
        assertEquals(Disposition.PASSTHROUGH, handler.onSyscall(bad));
        assertEquals(Disposition.PASSTHROUGH, call(Syscall.PSELECT6, 3, SETS, 0, 0, 0, 0x9_0000));
    }

    @Test
    void epollWaitParksOnTheEpollDescriptor() {
        fds.open(TID, 8, "anon_inode:[eventpoll]");
        assertEquals(Disposition.block(Readiness.of(P, 8, IN), Deadline.after(now[0], 20 * MS)),
                call(Syscall.EPOLL_WAIT, 8, BUF, 16, 20));
        assertEquals(Disposition.PASSTHROUGH, call(Syscall.EPOLL_WAIT, 8, BUF, 16, 0));
        fds.file(TID, 8).revents = IN;
        assertEquals(Disposition.PASSTHROUGH, call(Syscall.EPOLL_WAIT, 8, BUF, 16, -1));
    }

    @Test
    void aLargeBlockingPipeWriteGoesAPageAtATime() {
        FakeDescriptors.File pipe = fds.open(TID, 4, "pipe:[7]");
        pipe.revents = OUT;
        pipe.pipeSpace = 65536;
        FakeSyscallStop first = stop(Syscall.WRITE, 4, BUF, 10_000).build();
        assertEquals(Disposition.PASSTHROUGH, handler.onSyscall(first));
        assertEquals(4096, first.argument(2));
        AfterReturn again = first.returnWith(4096);
        long[] args = ((AfterReturn.Again) again).arguments();
        assertArrayEquals(new long[] {4, BUF + 4096, 10_000 - 4096, 0, 0, 0}, args);
        // The pipe is full now: the rest of the call parks.
        pipe.revents = 0;
        assertEquals(Disposition.block(Readiness.of(P, 4, OUT), Deadline.NONE), call(Syscall.WRITE, args));
        pipe.revents = OUT;
        FakeSyscallStop second = stop(Syscall.WRITE, args).wakeUp(wake(WakeUp.Cause.MAY_BE_READY)).build();
        assertEquals(Disposition.PASSTHROUGH, handler.onSyscall(second));
        assertEquals(4096, second.argument(2));
        args = ((AfterReturn.Again) second.returnWith(4096)).arguments();
        assertArrayEquals(new long[] {4, BUF + 8192, 10_000 - 8192, 0, 0, 0}, args);
        FakeSyscallStop last = stop(Syscall.WRITE, args).build();
        assertEquals(Disposition.PASSTHROUGH, handler.onSyscall(last));
        assertEquals(10_000 - 8192, last.argument(2), "the last piece goes whole");
        assertEquals(AfterReturn.value(10_000), last.returnWith(10_000 - 8192), "the program sees one write of all");
        // The next write starts afresh.
        FakeSyscallStop small = stop(Syscall.WRITE, 4, BUF, 100).build();
        assertEquals(Disposition.PASSTHROUGH, handler.onSyscall(small));
        assertTrue(small.changedArguments().isEmpty() && !small.wantsReturn(), "a page or less runs as it is");
    }

    @Test
    void aPipeWriteInterruptedBetweenPagesReturnsWhatWasWritten() {
        FakeDescriptors.File pipe = fds.open(TID, 4, "pipe:[7]");
        pipe.revents = OUT;
        pipe.pipeSpace = 0;
        FakeSyscallStop first = stop(Syscall.WRITE, 4, BUF, 9000).build();
        handler.onSyscall(first);
        long[] args = ((AfterReturn.Again) first.returnWith(4096)).arguments();
        FakeSyscallStop interrupted = stop(Syscall.WRITE, args).wakeUp(wake(WakeUp.Cause.INTERRUPTED)).build();
        assertEquals(Disposition.PASSTHROUGH, handler.onSyscall(interrupted));
        assertEquals(9000 - 4096, interrupted.argument(2), "with a signal pending the kernel does not wait");
        assertEquals(AfterReturn.value(4096), interrupted.returnWith(-Errno.EINTR));
        // A short piece ends the call too.
        FakeSyscallStop again = stop(Syscall.WRITE, 4, BUF, 9000).build();
        handler.onSyscall(again);
        assertEquals(AfterReturn.KEEP, again.returnWith(100));
    }

    @Test
    void aLargeWriteToSomethingElseIsNotCut() {
        fds.open(TID, 5, "socket:[3]").revents = OUT;
        FakeSyscallStop s = stop(Syscall.WRITE, 5, BUF, 100_000).build();
        assertEquals(Disposition.PASSTHROUGH, handler.onSyscall(s));
        assertEquals(100_000, s.argument(2));
        assertTrue(!s.wantsReturn());
    }

    @Test
    void aParkedWritevWritesTheIovecArrayItHadWhenItParked() {
        fds.open(TID, 4, "pipe:[7]");
        long iov = 0x6000;
        memory.putLongs(TID, iov, BUF, 10, BUF + 100, 20);
        assertTrue(call(Syscall.WRITEV, 4, iov, 2) instanceof Disposition.Block);
        memory.putLongs(TID, iov, 0xdead, 1, 0xbeef, 2); // another thread reuses the array meanwhile
        fds.file(TID, 4).revents = OUT;
        FakeSyscallStop ready = stop(Syscall.WRITEV, 4, iov, 2).wakeUp(wake(WakeUp.Cause.MAY_BE_READY)).build();
        assertEquals(Disposition.PASSTHROUGH, handler.onSyscall(ready));
        assertEquals(BUF, memory.longAt(TID, iov), "the kernel reads the array as it was at the call");
        ready.returnWith(30);
        assertEquals(0xdeadL, memory.longAt(TID, iov), "the program's array is back after the call");
        assertEquals(2L, memory.longAt(TID, iov + 24));
    }
}
