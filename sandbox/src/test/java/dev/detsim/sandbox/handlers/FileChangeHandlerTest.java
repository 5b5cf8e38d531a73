package dev.detsim.sandbox.handlers;

import static dev.detsim.abi.AtFlags.AT_FDCWD;
import static dev.detsim.abi.OpenFlags.O_TRUNC;
import static dev.detsim.abi.OpenFlags.O_WRONLY;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.detsim.abi.Stat;
import dev.detsim.abi.Timespec;
import dev.detsim.sandbox.api.Disposition;
import dev.detsim.sandbox.api.FakeGuestMemory;
import dev.detsim.sandbox.api.FakeSyscallStop;
import dev.detsim.sandbox.arch.Arch;
import dev.detsim.sandbox.syscall.Syscall;
import dev.detsim.sandbox.world.Clocks;
import dev.detsim.sandbox.world.FileMetadata;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Changes to files recorded at the virtual time of the call that makes them, and seen through stat. The
 * files are real (a temporary directory, absolute paths); the test makes each change itself, as the kernel
 * would after the call's entry stop.
 */
class FileChangeHandlerTest {
    private static final int TID = FakeSyscallStop.NO_SUCH_TID;
    private static final long PATH = 0x1000, TIMES = 0x3000, OUT = 0x2000, S = 1_000_000_000L;
    private static final long EPOCH = Clocks.DEFAULT_EPOCH_SECONDS * S;
    private static final Stat.Layout STAT = Arch.current().statLayout();

    @TempDir
    Path dir;

    private final long[] now = {0};
    private final FileChanges changes = new FileChanges(new FileMetadata(new Clocks(() -> now[0],
            Clocks.DEFAULT_EPOCH_SECONDS)), new PrintStream(PrintStream.nullOutputStream()));
    private final FileChangeHandler handler = new FileChangeHandler(changes);
    private final StatHandler stat = new StatHandler(changes);
    private final FakeGuestMemory memory = new FakeGuestMemory().map(TID, OUT, 256);

    private Disposition call(Syscall s, long... args) {
        return handler.onSyscall(FakeSyscallStop.builder(s, args).memory(memory).build());
    }

    /** mtime and ctime of p as stat shows them, in nanoseconds since the epoch. */
    private long[] times(Path p) {
        memory.putString(TID, 0x5000, p.toString());
        assertEquals(Disposition.emulate(0), stat.onSyscall(FakeSyscallStop.builder(Syscall.STAT, 0x5000, OUT).memory(memory).build()));
        Stat st = new Stat(STAT, ByteBuffer.wrap(memory.bytesAt(TID, OUT, STAT.size())));
        return new long[] {st.mtime().toNanos(), st.ctime().toNanos()};
    }

    @Test
    void aCreationIsStampedWithItsCallsTimeOnceItHappened() throws Exception {
        Path made = dir.resolve("new");
        memory.putString(TID, PATH, made.toString());
        now[0] = 5 * S;
        assertEquals(Disposition.PASSTHROUGH, call(Syscall.MKDIRAT, AT_FDCWD, PATH, 0755));
        Files.createDirectory(made); // the kernel runs the call
        now[0] = 9 * S;
        assertEquals(EPOCH + 5 * S + 1, times(made)[0], "1 ns after the call's stop");
        assertEquals(EPOCH + 5 * S + 1, times(dir)[0], "its directory changed then too");
    }

    @Test
    void aRemovalThatDidNotHappenChangesNothing() throws Exception {
        Path f = Files.writeString(dir.resolve("f"), "x");
        memory.putString(TID, PATH, f.toString());
        now[0] = 2 * S;
        call(Syscall.UNLINKAT, AT_FDCWD, PATH, 0);
        now[0] = 3 * S; // the call failed (the file is still there)
        assertEquals(EPOCH, times(dir)[0]);
        call(Syscall.UNLINKAT, AT_FDCWD, PATH, 0);
        Files.delete(f);
        assertEquals(EPOCH + 3 * S + 1, times(dir)[0]);
    }

    @Test
    void utimensatSetsExactlyWhatTheProgramAsks() throws Exception {
        Path f = Files.writeString(dir.resolve("f"), "x");
        memory.putString(TID, PATH, f.toString());
        memory.putLongs(TID, TIMES, 0, Timespec.UTIME_OMIT, 1234, 567); // atime omitted, mtime 1234.000000567
        now[0] = 4 * S;
        call(Syscall.UTIMENSAT, AT_FDCWD, PATH, TIMES, 0);
        long[] t = times(f);
        assertEquals(1234 * S + 567, t[0]);
        assertEquals(EPOCH + 4 * S + 1, t[1], "ctime: the call's time");
        memory.putLongs(TID, TIMES, 0, S, 0, 0); // tv_nsec out of range: EINVAL, nothing changes
        now[0] = 6 * S;
        call(Syscall.UTIMENSAT, AT_FDCWD, PATH, TIMES, 0);
        assertEquals(1234 * S + 567, times(f)[0]);
    }

    @Test
    void truncatingAnExistingFileOnOpenModifiesIt() throws Exception {
        Path f = Files.writeString(dir.resolve("f"), "xyz");
        memory.putString(TID, PATH, f.toString());
        now[0] = 7 * S;
        call(Syscall.OPENAT, AT_FDCWD, PATH, O_WRONLY | O_TRUNC, 0);
        assertEquals(EPOCH + 7 * S + 1, times(f)[0]);
        now[0] = 8 * S;
        call(Syscall.OPENAT, AT_FDCWD, PATH, 0, 0); // read-only: no change
        assertEquals(EPOCH + 7 * S + 1, times(f)[0]);
    }
}
