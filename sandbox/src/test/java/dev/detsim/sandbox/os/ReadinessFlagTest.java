package dev.detsim.sandbox.os;

import static dev.detsim.abi.Inotify.IN_MODIFY;
import static dev.detsim.abi.Inotify.IN_NONBLOCK;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.detsim.abi.Errno;
import dev.detsim.sandbox.syscall.Syscall;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The kernel raises the flag in the call that makes the descriptor readable, and only then. */
class ReadinessFlagTest {
    private final Posix posix = Posix.forCurrentThread();

    @Test
    void anInotifyEventRaisesTheFlagAndClearingLowersItUntilTheNext(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("f"), "x");
        try (Arena arena = Arena.ofConfined()) {
            int inotify = (int) posix.call(Syscall.INOTIFY_INIT1, IN_NONBLOCK);
            assertTrue(inotify >= 0);
            assertTrue(posix.call(Syscall.INOTIFY_ADD_WATCH, inotify, arena.allocateFrom(file.toString()).address(), IN_MODIFY) >= 0);
            ReadinessFlag flag = ReadinessFlag.open(posix, inotify);
            assertNotNull(flag, "io_uring with DEFER_TASKRUN (Linux 6.1+) is available on the machines detsim is tested on");
            MemorySegment buffer = arena.allocate(4096);
            try (flag) {
                assertFalse(flag.raised(), "nothing written yet");
                Files.writeString(file, "y");
                assertTrue(flag.raised(), "the write queued an event: the flag is up before anyone reads");
                assertTrue(flag.clear());
                assertFalse(flag.raised());
                assertTrue(posix.read(inotify, buffer, 4096) > 0, "the event is still there to read");
                assertEquals(-Errno.EAGAIN, posix.read(inotify, buffer, 4096));
                assertFalse(flag.raised(), "reading raises nothing");
                for (int i = 0; i < 3; i++) { // the poll stays armed
                    Files.writeString(file, "z" + i);
                    assertTrue(flag.raised(), "write " + i);
                    assertTrue(flag.clear());
                    assertTrue(posix.read(inotify, buffer, 4096) > 0);
                    assertFalse(flag.raised());
                }
            }
            posix.close(inotify);
        }
    }
}
