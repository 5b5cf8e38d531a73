package dev.detsim.sandbox.handlers;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.detsim.sandbox.api.Disposition;
import dev.detsim.sandbox.api.FakeGuestMemory;
import dev.detsim.sandbox.api.FakeSyscallStop;
import dev.detsim.sandbox.arch.Arch;
import dev.detsim.sandbox.os.Errno;
import dev.detsim.sandbox.os.FileStructs;
import dev.detsim.sandbox.os.FileStructs.StatLayout;
import dev.detsim.sandbox.syscall.Syscall;
import dev.detsim.sandbox.world.Clocks;
import dev.detsim.sandbox.world.FileMetadata;
import dev.detsim.sandbox.world.VirtualInodes;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The stat family with virtual inode and device numbers and virtual times. detsim stats the host file
 * itself, so these use real files in a temporary directory, named by absolute paths (which need no thread).
 */
class StatHandlerTest {
    private static final int TID = FakeSyscallStop.NO_SUCH_TID, AT_FDCWD = -100;
    private static final long PATH = 0x1000, OUT = 0x2000, S = 1_000_000_000L;
    private static final StatLayout STAT = StatLayout.of(Arch.current());

    @TempDir
    Path dir;

    private final long[] now = {3 * S};
    private final FileMetadata world = new FileMetadata(new Clocks(() -> now[0], Clocks.DEFAULT_EPOCH_SECONDS));
    private final StatHandler handler = new StatHandler(new FileChanges(world, new PrintStream(PrintStream.nullOutputStream())));
    private final FakeGuestMemory memory = new FakeGuestMemory().map(TID, OUT, FileStructs.STATX_SIZE);

    private ByteBuffer stat(Path p) {
        memory.putString(TID, PATH, p.toString());
        assertEquals(Disposition.emulate(0),
                handler.onSyscall(FakeSyscallStop.builder(Syscall.STAT, PATH, OUT).memory(memory).build()));
        return ByteBuffer.wrap(memory.bytesAt(TID, OUT, STAT.size())).order(ByteOrder.nativeOrder());
    }

    @Test
    void inodesAreNumberedInTheOrderTheProgramMeetsThem() throws Exception {
        Path b = Files.writeString(dir.resolve("b"), "x"), a = Files.writeString(dir.resolve("a"), "yy");
        assertEquals(1, stat(b).getLong(STAT.ino()));
        assertEquals(2, stat(a).getLong(STAT.ino()));
        assertEquals(1, stat(b).getLong(STAT.ino()), "the same file, the same number");
        assertEquals(VirtualInodes.makedev(0, 1), stat(a).getLong(STAT.dev()));
        ByteBuffer st = stat(a);
        assertEquals(2, st.getLong(STAT.ino()));
        long epoch = Clocks.DEFAULT_EPOCH_SECONDS;
        assertEquals(epoch, st.getLong(STAT.mtime()), "a file the run has not changed shows the run's start");
        assertEquals(0, st.getLong(STAT.mtime() + 8));
        assertEquals(epoch, st.getLong(STAT.atime()));
        assertEquals(epoch, st.getLong(STAT.ctime()));
    }

    @Test
    void aDirectoryHasOneLinkAndOneBlockAndTheFileItsOwnSize() throws Exception {
        Files.createDirectories(dir.resolve("d/e/f"));
        Files.createDirectories(dir.resolve("d/g"));
        ByteBuffer st = stat(dir.resolve("d"));
        long links = STAT.nlinkBytes() == 8 ? st.getLong(STAT.nlink()) : st.getInt(STAT.nlink());
        assertEquals(1, links);
        assertEquals(4096, st.getLong(FileStructs.STAT_ST_SIZE), "one block, whatever the host's entries");
        assertEquals(8, st.getLong(FileStructs.STAT_ST_BLOCKS));
        for (int i = 0; i < 300; i++) Files.createFile(dir.resolve("d/" + i));
        assertEquals(4096, stat(dir.resolve("d")).getLong(FileStructs.STAT_ST_SIZE));
        Path f = Files.writeString(dir.resolve("f"), "12345");
        assertEquals(5, stat(f).getLong(48), "st_size is the host's"); // x86_64 and generic both have it at 48
    }

    @Test
    void statxIsVirtualisedToo() throws Exception {
        Path f = Files.writeString(dir.resolve("f"), "x");
        memory.putString(TID, PATH, f.toString());
        assertEquals(Disposition.emulate(0), handler.onSyscall(FakeSyscallStop.builder(Syscall.STATX, AT_FDCWD, PATH, 0,
                0xfff, OUT).memory(memory).build()));
        ByteBuffer sx = ByteBuffer.wrap(memory.bytesAt(TID, OUT, FileStructs.STATX_SIZE)).order(ByteOrder.nativeOrder());
        assertEquals(1, sx.getLong(FileStructs.STATX_INO));
        assertEquals(0, sx.getInt(FileStructs.STATX_DEV_MAJOR));
        assertEquals(1, sx.getInt(FileStructs.STATX_DEV_MINOR));
        assertEquals(1, sx.getLong(FileStructs.STATX_MNT_ID));
        assertEquals(Clocks.DEFAULT_EPOCH_SECONDS, sx.getLong(FileStructs.STATX_MTIME));
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
