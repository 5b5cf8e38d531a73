package dev.detsim.sandbox.handlers;

import static dev.detsim.abi.AtFlags.AT_FDCWD;
import static dev.detsim.abi.OpenFlags.O_CLOEXEC;
import static dev.detsim.abi.OpenFlags.O_NONBLOCK;
import static dev.detsim.abi.OpenFlags.O_RDONLY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.detsim.sandbox.api.Disposition;
import dev.detsim.sandbox.api.FakeGuestMemory;
import dev.detsim.sandbox.api.FakeSyscallStop;
import dev.detsim.sandbox.syscall.Syscall;
import dev.detsim.sandbox.world.PathRedirect;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Opens of paths the virtual world stands in for, rewritten to detsim's files in scratch space. */
class OpenRedirectHandlerTest {
    private static final int TID = FakeSyscallStop.NO_SUCH_TID;
    private static final long PATH = 0x1000;

    private final FakeGuestMemory memory = new FakeGuestMemory();
    private final OpenRedirectHandler handler = new OpenRedirectHandler(List.of(
            p -> p.equals("/proc/cpuinfo") ? new PathRedirect.Target("/run/detsim/cpuinfo", 0) : null,
            p -> p.equals("/dev/random") ? new PathRedirect.Target("/run/détsim/random", O_NONBLOCK) : null));

    @Test
    void aStoodInForPathIsRewrittenInScratchAndTheProgramsStringIsLeftAlone() {
        memory.putString(TID, PATH, "/proc/cpuinfo");
        FakeSyscallStop s = FakeSyscallStop.builder(Syscall.OPENAT, AT_FDCWD, PATH, O_RDONLY).memory(memory).build();
        assertEquals(Disposition.PASSTHROUGH, handler.onSyscall(s));
        long scratch = s.scratchAddresses().get(0);
        assertEquals(scratch, s.argument(1));
        assertEquals("/run/detsim/cpuinfo", memory.readCString(TID, scratch, 4096));
        assertEquals("/proc/cpuinfo", memory.readCString(TID, PATH, 4096));
        assertTrue(memory.writes().stream().allMatch(w -> w.scratch()), "not data the program sees");
        // open(2) has the path in argument 0.
        FakeSyscallStop open = FakeSyscallStop.builder(Syscall.OPEN, PATH, O_RDONLY).memory(memory).build();
        handler.onSyscall(open);
        assertEquals("/run/detsim/cpuinfo", memory.readCString(TID, open.argument(0), 4096));
    }

    @Test
    void flagsTheStandInCannotHonourAreCleared() {
        memory.putString(TID, PATH, "/dev/random");
        FakeSyscallStop s = FakeSyscallStop.builder(Syscall.OPENAT, AT_FDCWD, PATH, O_NONBLOCK | O_CLOEXEC).memory(memory).build();
        handler.onSyscall(s);
        assertEquals(O_CLOEXEC, s.argument(2));
    }

    @Test
    void aNonAsciiStandInPathIsWrittenWholeWithItsNul() {
        memory.putString(TID, PATH, "/dev/random");
        FakeSyscallStop s = FakeSyscallStop.builder(Syscall.OPENAT, AT_FDCWD, PATH, 0).memory(memory).build();
        handler.onSyscall(s);
        byte[] written = memory.writes().get(0).bytes();
        assertEquals(0, written[written.length - 1], "NUL-terminated");
        assertEquals("/run/détsim/random", memory.readCString(TID, s.argument(1), 4096));
    }

    @Test
    void otherPathsAndUnreadableOnesRunUnchanged() {
        memory.putString(TID, PATH, "/etc/passwd");
        for (String path : new String[] {"/etc/passwd", "/proc/meminfo", "proc/cpuinfo"}) {
            memory.putString(TID, PATH, path);
            FakeSyscallStop s = FakeSyscallStop.builder(Syscall.OPENAT, AT_FDCWD, PATH, 0).memory(memory).build();
            assertEquals(Disposition.PASSTHROUGH, handler.onSyscall(s));
            assertTrue(s.changedArguments().isEmpty(), path);
        }
        FakeSyscallStop s = FakeSyscallStop.builder(Syscall.OPENAT, AT_FDCWD, 0x9000, 0).memory(memory).build();
        assertEquals(Disposition.PASSTHROUGH, handler.onSyscall(s));
        assertTrue(memory.writes().isEmpty());
    }
}
