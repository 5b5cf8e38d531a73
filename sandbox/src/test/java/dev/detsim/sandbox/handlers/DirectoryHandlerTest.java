package dev.detsim.sandbox.handlers;

import static dev.detsim.abi.AtFlags.AT_FDCWD;
import static dev.detsim.abi.OpenFlags.O_CLOEXEC;
import static dev.detsim.abi.OpenFlags.O_RDONLY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.detsim.sandbox.api.Disposition;
import dev.detsim.sandbox.api.FakeGuestMemory;
import dev.detsim.sandbox.api.FakeSyscallStop;
import dev.detsim.abi.Errno;
import dev.detsim.sandbox.arch.Arch;
import dev.detsim.sandbox.os.Posix;
import dev.detsim.sandbox.syscall.Syscall;
import dev.detsim.sandbox.world.Clocks;
import dev.detsim.sandbox.world.FileMetadata;
import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * getdents64 in name order with virtual inode numbers. The handler reads the directory through a copy of the
 * thread's descriptor (pidfd_getfd), so the "thread" here is this JVM: a directory it opens itself, its pid
 * as the tid.
 */
class DirectoryHandlerTest {
    private static final long BUF = 0x10_0000;

    @TempDir
    Path dir;

    private final int me = (int) ProcessHandle.current().pid();
    private final FileMetadata world = new FileMetadata(new Clocks(() -> 0, Clocks.DEFAULT_EPOCH_SECONDS));
    private final DirectoryHandler handler = new DirectoryHandler(new FileChanges(world, new PrintStream(PrintStream.nullOutputStream())));
    private final FakeGuestMemory memory = new FakeGuestMemory().map(me, BUF, 4096);

    private int openDirectory(Path p) {
        try (Arena arena = Arena.ofConfined()) {
            int fd = (int) Posix.forCurrentThread().call(Syscall.OPENAT, AT_FDCWD, arena.allocateFrom(p.toString()).address(),
                    O_RDONLY | Arch.current().openFlags().O_DIRECTORY | O_CLOEXEC, 0);
            assertTrue(fd >= 0, "open: " + fd);
            return fd;
        }
    }

    private Disposition getdents(int fd, long size) {
        return handler.onSyscall(FakeSyscallStop.builder(Syscall.GETDENTS64, fd, BUF, size).host(me, me).memory(memory).build());
    }

    private record Entry(long inode, String name) {}

    private List<Entry> entries(long length) {
        ByteBuffer b = ByteBuffer.wrap(memory.bytesAt(me, BUF, (int) length)).order(ByteOrder.LITTLE_ENDIAN);
        List<Entry> out = new ArrayList<>();
        for (int at = 0; at < length; ) {
            int reclen = Short.toUnsignedInt(b.getShort(at + 16));
            int end = at + 19;
            while (b.get(end) != 0) end++;
            out.add(new Entry(b.getLong(at), new String(b.array(), at + 19, end - at - 19, StandardCharsets.UTF_8)));
            at += reclen;
        }
        return out;
    }

    @Test
    void entriesComeInNameOrderWithInodesNumberedInThatOrder() throws Exception {
        for (String n : new String[] {"zeta", "alpha", "mid"}) Files.writeString(dir.resolve(n), n);
        int fd = openDirectory(dir);
        try {
            long n = ((Disposition.Emulate) getdents(fd, 4096)).value();
            List<Entry> e = entries(n);
            assertEquals(List.of(".", "..", "alpha", "mid", "zeta"), e.stream().map(Entry::name).toList());
            assertEquals(List.of(1L, 2L, 3L, 4L, 5L), e.stream().map(Entry::inode).toList());
            assertEquals(Disposition.emulate(0), getdents(fd, 4096), "the end");
        } finally {
            Posix.forCurrentThread().close(fd);
        }
    }

    @Test
    void aSmallBufferGetsAsManyAsFitAndTooSmallOneIsEinval() throws Exception {
        for (String n : new String[] {"b", "a"}) Files.writeString(dir.resolve(n), n);
        int fd = openDirectory(dir);
        try {
            assertEquals(Disposition.fail(Errno.EINVAL), getdents(fd, 10));
            long n = ((Disposition.Emulate) getdents(fd, 48)).value(); // two 24-byte records
            assertEquals(List.of(".", ".."), entries(n).stream().map(Entry::name).toList());
            n = ((Disposition.Emulate) getdents(fd, 4096)).value();
            assertEquals(List.of("a", "b"), entries(n).stream().map(Entry::name).toList());
        } finally {
            Posix.forCurrentThread().close(fd);
        }
    }

    @Test
    void notADirectoryIsTheKernels() throws Exception {
        assertEquals(Disposition.PASSTHROUGH, getdents(999_999, 4096), "EBADF");
        assertEquals(Disposition.PASSTHROUGH, handler.onSyscall(FakeSyscallStop.builder(Syscall.LSEEK, 3, 0, 0)
                .host(me, me).memory(memory).build()), "no listing: lseek is the kernel's");
    }
}
