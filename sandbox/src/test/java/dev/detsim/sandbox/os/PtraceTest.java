package dev.detsim.sandbox.os;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.detsim.abi.Signals;
import org.junit.jupiter.api.Test;

/** wait(2) status decoding, with statuses encoded as the kernel does (kernel/exit.c, ptrace(2)). */
class PtraceTest {
    @Test
    void exited() {
        int status = 3 << 8; // exit(3)
        assertTrue(Ptrace.exited(status));
        assertEquals(3, Ptrace.exitCode(status));
        assertFalse(Ptrace.signaled(status));
        assertFalse(Ptrace.stopped(status));
        assertTrue(Ptrace.exited(0));
        assertEquals(255, Ptrace.exitCode(0xff00));
    }

    @Test
    void killedBySignal() {
        int status = Signals.SIGKILL;
        assertTrue(Ptrace.signaled(status));
        assertFalse(Ptrace.exited(status));
        assertFalse(Ptrace.stopped(status));
        assertEquals(9, Ptrace.termSignal(status));
        assertFalse(Ptrace.coreDumped(status));

        int core = Signals.SIGSEGV | 0x80;
        assertTrue(Ptrace.signaled(core));
        assertEquals(11, Ptrace.termSignal(core));
        assertTrue(Ptrace.coreDumped(core));
        assertTrue(Ptrace.signaled(64), "SIGRTMAX");
    }

    @Test
    void stops() {
        int sigstop = (Signals.SIGSTOP << 8) | 0x7f;
        assertTrue(Ptrace.stopped(sigstop));
        assertFalse(Ptrace.signaled(sigstop));
        assertFalse(Ptrace.exited(sigstop));
        assertEquals(19, Ptrace.stopSignal(sigstop));
        assertEquals(0, Ptrace.event(sigstop));

        int syscallStop = ((Signals.SIGTRAP | 0x80) << 8) | 0x7f; // PTRACE_O_TRACESYSGOOD
        assertTrue(Ptrace.stopped(syscallStop));
        assertEquals(0x85, Ptrace.stopSignal(syscallStop));

        int seccomp = ((Signals.SIGTRAP | (Ptrace.EVENT_SECCOMP << 8)) << 8) | 0x7f;
        assertTrue(Ptrace.stopped(seccomp));
        assertEquals(Ptrace.EVENT_SECCOMP, Ptrace.event(seccomp));
        assertEquals(Signals.SIGTRAP, Ptrace.stopSignal(seccomp));

        int groupStop = ((Signals.SIGTSTP | (Ptrace.EVENT_STOP << 8)) << 8) | 0x7f; // PTRACE_SEIZE group-stop
        assertTrue(Ptrace.stopped(groupStop));
        assertEquals(Ptrace.EVENT_STOP, Ptrace.event(groupStop));
        assertEquals(Signals.SIGTSTP, Ptrace.stopSignal(groupStop));
    }

    @Test
    void constantsAreTheKernels() {
        assertEquals(7, Ptrace.PTRACE_CONT);
        assertEquals(24, Ptrace.PTRACE_SYSCALL);
        assertEquals(0x4206, Ptrace.PTRACE_SEIZE);
        assertEquals(0x80, Ptrace.O_TRACESECCOMP);
        assertEquals(0x100000, Ptrace.O_EXITKILL);
    }
}
