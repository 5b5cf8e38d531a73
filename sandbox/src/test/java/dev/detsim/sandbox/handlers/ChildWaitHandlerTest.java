package dev.detsim.sandbox.handlers;

import static dev.detsim.abi.Wait.P_ALL;
import static dev.detsim.abi.Wait.P_PID;
import static dev.detsim.abi.Wait.WEXITED;
import static dev.detsim.abi.Wait.WNOHANG;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.detsim.sandbox.api.Disposition;
import dev.detsim.sandbox.api.FakeSyscallStop;
import dev.detsim.sandbox.syscall.Syscall;
import dev.detsim.scheduler.Deadline;
import dev.detsim.scheduler.WaitCondition;
import dev.detsim.scheduler.WakeUp;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * wait4 and waitid park unless a child they may collect has exited. The handler looks at the real process's
 * children in /proc; the live child here is one this JVM starts (the JVM reaps its own children at once, so
 * an unreaped exited child cannot be shown).
 */
class ChildWaitHandlerTest {
    private final ChildWaitHandler handler = new ChildWaitHandler();

    private Disposition call(int pid, Syscall s, long... args) {
        return handler.onSyscall(FakeSyscallStop.builder(s, args).host(pid, pid).build());
    }

    @Test
    void withoutChildrenTheKernelSaysEchild() {
        assertEquals(Disposition.PASSTHROUGH, call(FakeSyscallStop.NO_SUCH_TID, Syscall.WAIT4, -1, 0, 0, 0));
        assertEquals(Disposition.PASSTHROUGH, call(FakeSyscallStop.NO_SUCH_TID, Syscall.WAITID, P_ALL, 0, 0, WEXITED));
    }

    @Test
    void aLiveChildParksABlockingWaitButNotWnohang() throws Exception {
        Process child = new ProcessBuilder("sleep", "60").start();
        try {
            int me = (int) ProcessHandle.current().pid(), pid = (int) child.pid();
            Disposition parked = Disposition.block(WaitCondition.ChildExit.any(), Deadline.NONE);
            assertEquals(parked, call(me, Syscall.WAIT4, -1, 0, 0, 0));
            assertEquals(parked, call(me, Syscall.WAIT4, pid, 0, 0, 0));
            assertEquals(parked, call(me, Syscall.WAITID, P_PID, pid, 0, WEXITED));
            assertEquals(parked, call(me, Syscall.WAITID, P_ALL, 0, 0, WEXITED));
            assertEquals(Disposition.PASSTHROUGH, call(me, Syscall.WAIT4, -1, 0, WNOHANG, 0));
            assertEquals(Disposition.PASSTHROUGH, call(me, Syscall.WAITID, P_ALL, 0, 0, WEXITED | WNOHANG));
            // Not a child of this process: ECHILD from the kernel.
            assertEquals(Disposition.PASSTHROUGH, call(me, Syscall.WAIT4, 1, 0, 0, 0));
            assertEquals(Disposition.PASSTHROUGH, call(me, Syscall.WAITID, P_PID, 1, 0, WEXITED));
            // An interrupted wait runs, so the kernel returns EINTR or restarts it.
            assertEquals(Disposition.PASSTHROUGH, handler.onSyscall(FakeSyscallStop.builder(Syscall.WAIT4, -1, 0, 0, 0)
                    .host(me, me).wakeUp(new WakeUp(WaitCondition.ChildExit.any(), WakeUp.Cause.INTERRUPTED,
                            Deadline.NONE)).build()));
        } finally {
            child.destroyForcibly();
            child.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
