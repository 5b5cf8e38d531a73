package dev.detsim.sandbox.handlers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.detsim.sandbox.api.Disposition;
import dev.detsim.sandbox.api.FakeGuestMemory;
import dev.detsim.sandbox.api.FakeSyscallStop;
import dev.detsim.sandbox.syscall.Syscall;
import dev.detsim.sandbox.tracer.SignalMasks;
import dev.detsim.sandbox.world.Clocks;
import dev.detsim.scheduler.Deadline;
import dev.detsim.scheduler.WaitCondition;
import dev.detsim.scheduler.WakeUp;
import org.junit.jupiter.api.Test;

/**
 * pause, sigsuspend and sigtimedwait wait in detsim. The handler reads the thread's signal state from
 * /proc/TID/status; these stops use a tid no thread has, whose state reads as nothing pending, blocked, ignored
 * or caught (SignalMasks.NONE), so what a signal's default action does decides whether it ends a wait.
 */
class SignalWaitHandlerTest {
    private static final int TID = FakeSyscallStop.NO_SUCH_TID;
    private static final long SET = 0x1000, TIMEOUT = 0x2000;
    private static final long S = 1_000_000_000L;

    private final long[] now = {42};
    private final SignalWaitHandler handler = new SignalWaitHandler(new Clocks(() -> now[0], Clocks.DEFAULT_EPOCH_SECONDS));
    private final FakeGuestMemory memory = new FakeGuestMemory();

    private FakeSyscallStop.Builder stop(Syscall s, long... args) {
        return FakeSyscallStop.builder(s, args).memory(memory);
    }

    /** What ends a wait under mask for a thread with no handlers: signals whose default is not to ignore. */
    private static long interruptingUnder(long mask) {
        return SignalMasks.NONE.interruptingUnder(mask);
    }

    @Test
    void pauseWaitsForAnySignalThatWouldEndIt() {
        assertEquals(Disposition.block(new WaitCondition.Signal(interruptingUnder(0)), Deadline.NONE),
                handler.onSyscall(stop(Syscall.PAUSE).build()));
        // SIGCHLD (17) is ignored by default: it does not end pause.
        assertEquals(0, interruptingUnder(0) & SignalMasks.bit(17));
    }

    @Test
    void sigsuspendWaitsUnderTheMaskItNames() {
        long mask = SignalMasks.bit(10) | SignalMasks.bit(2); // SIGUSR1 and SIGINT blocked during the wait
        memory.putLong(TID, SET, mask);
        Disposition d = handler.onSyscall(stop(Syscall.RT_SIGSUSPEND, SET, 8).build());
        long awaited = ((WaitCondition.Signal) ((Disposition.Block) d).condition()).mask();
        assertEquals(interruptingUnder(mask), awaited);
        assertEquals(0, awaited & mask & ~(SignalMasks.bit(9) | SignalMasks.bit(19)));
        assertEquals(SignalMasks.bit(9), awaited & SignalMasks.bit(9), "SIGKILL cannot be blocked");
        assertEquals(Disposition.PASSTHROUGH, handler.onSyscall(stop(Syscall.RT_SIGSUSPEND, 0x9000, 8).build()),
                "unreadable: EFAULT from the kernel");
    }

    @Test
    void sigtimedwaitWaitsForItsSetWithAVirtualTimeout() {
        memory.putLong(TID, SET, SignalMasks.bit(17));
        memory.putLongs(TID, TIMEOUT, 1, 500);
        Disposition d = handler.onSyscall(stop(Syscall.RT_SIGTIMEDWAIT, SET, 0, TIMEOUT, 8).build());
        assertEquals(Disposition.block(new WaitCondition.Signal(SignalMasks.bit(17) | interruptingUnder(0)),
                Deadline.after(42, S + 500)), d);
        assertEquals(Deadline.NONE, ((Disposition.Block) handler.onSyscall(
                stop(Syscall.RT_SIGTIMEDWAIT, SET, 0, 0, 8).build())).deadline(), "no timeout: forever");
        memory.putLongs(TID, TIMEOUT, 0, 0);
        assertEquals(Disposition.PASSTHROUGH, handler.onSyscall(stop(Syscall.RT_SIGTIMEDWAIT, SET, 0, TIMEOUT, 8).build()),
                "a zero timeout is a poll");
        memory.putLongs(TID, TIMEOUT, 0, S);
        assertEquals(Disposition.PASSTHROUGH, handler.onSyscall(stop(Syscall.RT_SIGTIMEDWAIT, SET, 0, TIMEOUT, 8).build()),
                "EINVAL from the kernel");
        assertEquals(Disposition.PASSTHROUGH, handler.onSyscall(stop(Syscall.RT_SIGTIMEDWAIT, 0x9000, 0, 0, 8).build()));
    }

    @Test
    void afterItsDeadlineSigtimedwaitRunsWithAZeroTimeoutInScratch() {
        memory.putLong(TID, SET, SignalMasks.bit(17));
        memory.putLongs(TID, TIMEOUT, 1, 0);
        WakeUp passed = new WakeUp(new WaitCondition.Signal(1), WakeUp.Cause.DEADLINE_PASSED, Deadline.at(5));
        FakeSyscallStop s = stop(Syscall.RT_SIGTIMEDWAIT, SET, 0, TIMEOUT, 8).wakeUp(passed).build();
        assertEquals(Disposition.PASSTHROUGH, handler.onSyscall(s));
        assertEquals(s.scratchAddresses().get(0), s.argument(2));
        assertArrayEquals(new byte[16], memory.bytesAt(TID, s.argument(2), 16));
        assertEquals(1, memory.longAt(TID, TIMEOUT), "the program's timespec untouched");
        // Any other wake-up: the signal is there, the kernel delivers it.
        WakeUp interrupted = new WakeUp(new WaitCondition.Signal(1), WakeUp.Cause.INTERRUPTED, Deadline.NONE);
        assertEquals(Disposition.PASSTHROUGH, handler.onSyscall(stop(Syscall.PAUSE).wakeUp(interrupted).build()));
    }

    @Test
    void theNamedThreadsOwnSignalStateDecides() {
        // A real thread's state: the JVM's main thread, whose caught signals (SigCgt) change what ends a pause.
        // (A signal cannot be left pending from Java, so the PASSTHROUGH branch is the one not exercised.)
        int tid = (int) ProcessHandle.current().pid();
        SignalMasks masks = SignalMasks.read(tid);
        Disposition d = handler.onSyscall(stop(Syscall.PAUSE).host(tid, tid).build());
        if ((masks.anyPending() & masks.interruptingUnder(masks.blocked())) != 0) {
            assertEquals(Disposition.PASSTHROUGH, d);
        } else {
            assertEquals(new WaitCondition.Signal(masks.interruptingUnder(masks.blocked())),
                    ((Disposition.Block) d).condition());
        }
    }
}
