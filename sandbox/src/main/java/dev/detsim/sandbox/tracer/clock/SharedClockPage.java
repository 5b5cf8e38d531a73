package dev.detsim.sandbox.tracer.clock;

import static dev.detsim.abi.Mman.MAP_SHARED;
import static dev.detsim.abi.Mman.PROT_READ;
import static dev.detsim.abi.Mman.PROT_WRITE;

import dev.detsim.sandbox.os.Posix;
import dev.detsim.sandbox.syscall.Syscall;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The clock page as one memfd page that detsim and every traced process map shared: detsim updates the turn's
 * clock bases with plain stores instead of a process_vm_writev into each process at each turn (about a fifth
 * of the tracer's time in a Go program that hands work between threads, measured).
 *
 * <p>A program maps it at exec: detsim makes it open {@code /proc/HOLDER/fd/N}, where HOLDER is a process
 * that has the memfd open and that the program can see: the pid namespace's init (pid 1, which detsim asks to
 * keep exactly this descriptor), or detsim itself when the program sees host pids. The program then maps and
 * closes it, so its descriptor table is as before. If that fails (no /proc, a process that changed its uid),
 * the process gets a private page as before.
 */
public final class SharedClockPage implements AutoCloseable {
    private static final int PAGE = 4096, MFD_CLOEXEC = 1, PROT_READ_WRITE = PROT_READ | PROT_WRITE;
    private final Posix posix;
    private final int fd;
    private final MemorySegment page;
    private String path;

    private SharedClockPage(Posix posix, int fd, MemorySegment page) {
        this.posix = posix;
        this.fd = fd;
        this.page = page;
    }

    /** A new zeroed page, or null if the kernel would not make one (then every process gets a private page). */
    public static SharedClockPage create(Posix posix, Arena arena) {
        int fd = (int) posix.call(Syscall.MEMFD_CREATE, arena.allocateFrom("detsim-clock").address(), MFD_CLOEXEC);
        if (fd < 0) return null;
        long address = posix.call(Syscall.FTRUNCATE, fd, PAGE) < 0 ? -1
                : posix.call(Syscall.MMAP, 0, PAGE, PROT_READ_WRITE, MAP_SHARED, fd, 0);
        if (address < 0 && address > -4096) {
            posix.close(fd);
            return null;
        }
        return new SharedClockPage(posix, fd, MemorySegment.ofAddress(address).reinterpret(PAGE));
    }

    /** The descriptor, in detsim, that the holder must keep open. */
    public int fd() {
        return fd;
    }

    /** The program sees the memfd as descriptor {@link #fd()} of process holder (a pid as the program sees pids). */
    public void heldBy(int holder) {
        path = "/proc/" + holder + "/fd/" + fd;
    }

    /** The path a program opens to map the page, or null before {@link #heldBy}. */
    String path() {
        return path;
    }

    /** Stores bytes at the start of the page; the programs see them at once. */
    void write(byte[] bytes) {
        MemorySegment.copy(bytes, 0, page, ValueLayout.JAVA_BYTE, 0, bytes.length);
    }

    @Override
    public void close() {
        posix.call(Syscall.MUNMAP, page.address(), PAGE);
        posix.close(fd);
    }
}
