package dev.detsim.sandbox.handlers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.detsim.sandbox.api.Disposition;
import dev.detsim.sandbox.api.FakeGuestMemory;
import dev.detsim.sandbox.api.FakeSyscallStop;
import dev.detsim.abi.Statfs;
import dev.detsim.sandbox.syscall.Syscall;
import dev.detsim.sandbox.world.Clocks;
import dev.detsim.sandbox.world.FileMetadata;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** statfs describes one fixed file system, except the kernel's pseudo file systems keep their type. */
class StatfsHandlerTest {
    private static final int TID = FakeSyscallStop.NO_SUCH_TID;
    private static final long PATH = 0x1000, OUT = 0x2000;

    @TempDir
    Path dir;

    private final StatfsHandler handler = new StatfsHandler(new FileChanges(
            new FileMetadata(new Clocks(() -> 0, Clocks.DEFAULT_EPOCH_SECONDS)), new PrintStream(PrintStream.nullOutputStream())));
    private final FakeGuestMemory memory = new FakeGuestMemory().map(TID, OUT, Statfs.SIZE);

    private Disposition statfs(String path) {
        memory.putString(TID, PATH, path);
        return handler.onSyscall(FakeSyscallStop.builder(Syscall.STATFS, PATH, OUT).memory(memory).build());
    }

    private long field(int offset) {
        return ByteBuffer.wrap(memory.bytesAt(TID, OUT, Statfs.SIZE)).order(ByteOrder.nativeOrder()).getLong(offset);
    }

    @Test
    void anOrdinaryDirectoryIsTheFixedExt4() {
        assertEquals(Disposition.emulate(0), statfs(dir.toString()));
        long flags = Statfs.ST_VALID | (field(Statfs.F_FLAGS) & Statfs.ST_RDONLY);
        assertArrayEquals(StatfsHandler.fixed(StatfsHandler.EXT4_SUPER_MAGIC, flags),
                memory.bytesAt(TID, OUT, Statfs.SIZE));
        assertEquals(0xEF53, field(Statfs.F_TYPE));
        assertEquals(StatfsHandler.FREE_BLOCKS, field(Statfs.F_BFREE));
        assertEquals(4096, field(Statfs.F_BSIZE));
    }

    @Test
    void procKeepsItsTypeAndMissingPathsAreTheKernels() {
        // /proc paths are looked up through the thread's root (/proc/TID/root): a real thread, this JVM's.
        int me = (int) ProcessHandle.current().pid();
        memory.map(me, OUT, Statfs.SIZE).putString(me, PATH, "/proc");
        assertEquals(Disposition.emulate(0),
                handler.onSyscall(FakeSyscallStop.builder(Syscall.STATFS, PATH, OUT).host(me, me).memory(memory).build()));
        memory.put(TID, OUT, memory.bytesAt(me, OUT, Statfs.SIZE));
        assertEquals(0x9fa0, field(Statfs.F_TYPE));
        assertEquals(StatfsHandler.BLOCKS, field(Statfs.F_BLOCKS), "the rest is the fixed one's");
        assertEquals(Disposition.PASSTHROUGH, statfs(dir.resolve("missing").toString()));
        assertEquals(Disposition.PASSTHROUGH,
                handler.onSyscall(FakeSyscallStop.builder(Syscall.STATFS, 0x9000, OUT).memory(memory).build()));
    }
}
