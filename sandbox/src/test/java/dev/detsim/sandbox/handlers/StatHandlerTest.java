package dev.detsim.sandbox.handlers;

import static dev.detsim.abi.AtFlags.AT_FDCWD;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.detsim.abi.Stat;
import dev.detsim.abi.Statx;
import dev.detsim.abi.Timespec;
import dev.detsim.sandbox.api.Disposition;
import dev.detsim.sandbox.api.FakeGuestMemory;
import dev.detsim.sandbox.api.FakeSyscallStop;
import dev.detsim.sandbox.arch.Arch;
import dev.detsim.abi.Errno;
import dev.detsim.sandbox.syscall.Syscall;
import dev.detsim.sandbox.world.Clocks;
import dev.detsim.sandbox.world.FileMetadata;
import dev.detsim.sandbox.world.VirtualInodes;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The stat family with virtual inode and device numbers and virtual times. detsim stats the host file
 * itself, so these use real files in a temporary directory, named by absolute paths (which need no thread).
 */
class StatHandlerTest {
    private static final int TID = FakeSyscallStop.NO_SUCH_TID;
    private static final long PATH = 0x1000, OUT = 0x2000, S = 1_000_000_000L;
    private static final Stat.Layout STAT = Arch.current().statLayout();

    @TempDir
    Path dir;

    private final long[] now = {3 * S};
    private final FileMetadata world = new FileMetadata(new Clocks(() -> now[0], Clocks.DEFAULT_EPOCH_SECONDS));
    private final StatHandler handler = new StatHandler(new FileChanges(world, new PrintStream(PrintStream.nullOutputStream())));
    private final FakeGuestMemory memory = new FakeGuestMemory().map(TID, OUT, Statx.SIZE);

    private Stat stat(Path p) {
        memory.putString(TID, PATH, p.toString());
        assertEquals(Disposition.emulate(0),
                handler.onSyscall(FakeSyscallStop.builder(Syscall.STAT, PATH, OUT).memory(memory).build()));
        return new Stat(STAT, ByteBuffer.wrap(memory.bytesAt(TID, OUT, STAT.size())));
    }

    @Test
    void inodesAreNumberedInTheOrderTheProgramMeetsThem() throws Exception {
        Path b = Files.writeString(dir.resolve("b"), "x"), a = Files.writeString(dir.resolve("a"), "yy");
        assertEquals(1, stat(b).ino());
        assertEquals(2, stat(a).ino());
        assertEquals(1, stat(b).ino(), "the same file, the same number");
        assertEquals(VirtualInodes.makedev(0, 1), stat(a).dev());
        Stat st = stat(a);
        assertEquals(2, st.ino());
        long epoch = Clocks.DEFAULT_EPOCH_SECONDS;
        assertEquals(new Timespec(epoch, 0), st.mtime(), "a file the run has not changed shows the run's start");
        assertEquals(new Timespec(epoch, 0), st.atime());
        assertEquals(new Timespec(epoch, 0), st.ctime());
    }

    @Test
    void aDirectoryHasOneLinkAndOneBlockAndTheFileItsOwnSize() throws Exception {
        Files.createDirectories(dir.resolve("d/e/f"));
        Files.createDirectories(dir.resolve("d/g"));
        Stat st = stat(dir.resolve("d"));
        assertEquals(1, st.nlink());
        assertEquals(4096, st.size(), "one block, whatever the host's entries");
        for (int i = 0; i < 300; i++) Files.createFile(dir.resolve("d/" + i));
        assertEquals(4096, stat(dir.resolve("d")).size());
        Path f = Files.writeString(dir.resolve("f"), "12345");
        assertEquals(5, stat(f).size(), "st_size is the host's");
    }

    @Test
    void statxIsVirtualisedToo() throws Exception {
        Path f = Files.writeString(dir.resolve("f"), "x");
        memory.putString(TID, PATH, f.toString());
        assertEquals(Disposition.emulate(0), handler.onSyscall(FakeSyscallStop.builder(Syscall.STATX, AT_FDCWD, PATH, 0,
                0xfff, OUT).memory(memory).build()));
        Statx sx = new Statx(ByteBuffer.wrap(memory.bytesAt(TID, OUT, Statx.SIZE)));
        assertEquals(1, sx.ino());
        assertEquals(0, sx.devMajor());
        assertEquals(1, sx.devMinor());
        assertEquals(1, sx.mountId());
        assertEquals(Clocks.DEFAULT_EPOCH_SECONDS, sx.mtime().seconds());
    }

    @Test
    void whatDetsimCannotStatTheKernelAnswers() {
        memory.putString(TID, PATH, dir.resolve("missing").toString());
        assertEquals(Disposition.PASSTHROUGH,
                handler.onSyscall(FakeSyscallStop.builder(Syscall.STAT, PATH, OUT).memory(memory).build()));
        assertEquals(Disposition.PASSTHROUGH,
                handler.onSyscall(FakeSyscallStop.builder(Syscall.LSTAT, 0x9000, OUT).memory(memory).build()));
        memory.putString(TID, PATH, dir.toString());
        assertEquals(Disposition.fail(Errno.EFAULT),
                handler.onSyscall(FakeSyscallStop.builder(Syscall.STAT, PATH, 0x9000).memory(memory).build()),
                "the stat succeeded but the buffer is not writable");
    }
}
