package dev.detsim.sandbox.handlers;

import static dev.detsim.abi.Fcntl.SEEK_CUR;
import static dev.detsim.abi.Fcntl.SEEK_SET;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import dev.detsim.abi.Dirent;
import dev.detsim.sandbox.handlers.GuestFiles.HostInode;
import dev.detsim.abi.Errno;
import dev.detsim.sandbox.os.Posix;
import dev.detsim.sandbox.syscall.Syscall;
import dev.detsim.sandbox.api.Disposition;
import dev.detsim.sandbox.api.SyscallHandler;
import dev.detsim.sandbox.api.SyscallStop;
import dev.detsim.sandbox.world.DirectoryListing;
import dev.detsim.sandbox.world.FileMetadata;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * getdents64 (and the old getdents) list a directory in name order across the whole directory, with virtual
 * inode numbers. The first call on a directory descriptor reads the whole directory through a copy of the
 * descriptor (pidfd_getfd) and sorts it; that call and the following ones hand the entries out from the
 * {@link DirectoryListing}, as many as fit in each buffer. The listing belongs to the process (threads share
 * descriptors) and the descriptor number, and is recognised as the same open directory with kcmp while
 * detsim holds its copy. When the end has been reported the copy is closed; the listing is then recognised by
 * the directory's inode and the open file's offset, which reading it left at the directory's end and which
 * only detsim moves (a new open starts at 0).
 *
 * <p>lseek on a listed directory: to 0 (rewinddir) drops the listing, so the next call reads the directory
 * afresh, and the kernel seeks; to a d_off this handler gave out (seekdir) moves within the listing.
 */
public final class DirectoryHandler implements SyscallHandler {
    private static final int KCMP_FILE = 0;
    private static final int READ_BUFFER = 64 * 1024, PAGE = 4096;
    private static final int SWEEP_AT = 256;

    private final FileMetadata world;
    private final FileChanges changes;
    private final GuestFiles files;
    private final Map<Long, Listing> listings = new HashMap<>();
    private final MemorySegment readBuffer = Arena.ofAuto().allocate(READ_BUFFER, 8);
    private int sweepAt = SWEEP_AT;

    /** One open directory's listing; copy is detsim's descriptor for it, or -1 once the end was reported. */
    private static final class Listing {
        final DirectoryListing entries;
        final HostInode directory;
        final long endOffset;
        final int process;
        int copy;

        Listing(DirectoryListing entries, HostInode directory, long endOffset, int process, int copy) {
            this.entries = entries;
            this.directory = directory;
            this.endOffset = endOffset;
            this.process = process;
            this.copy = copy;
        }
    }

    public DirectoryHandler(FileChanges changes) {
        this.world = changes.world();
        this.changes = changes;
        this.files = changes.files();
    }

    @Override
    public Set<Syscall> subscriptions() {
        return Set.of(Syscall.GETDENTS64, Syscall.GETDENTS, Syscall.LSEEK); // GETDENTS: x86_64 only
    }

    @Override
    public Disposition onSyscall(SyscallStop stop) {
        return switch (stop.syscall()) {
            case GETDENTS64 -> list(stop, DirectoryListing.Format.DIRENT64);
            case GETDENTS -> list(stop, DirectoryListing.Format.DIRENT);
            case LSEEK -> seek(stop);
            default -> Disposition.PASSTHROUGH;
        };
    }

    private static long key(int process, int fd) {
        return ((long) process << 32) | (fd & 0xffffffffL);
    }

    private Disposition list(SyscallStop stop, DirectoryListing.Format format) {
        changes.settle(stop.tid());
        int tid = stop.tid(), fd = (int) stop.argument(0), process = files.processOf(tid);
        long key = key(process, fd);
        Listing listing = listings.get(key);
        if (listing != null && !stillOpen(tid, fd, listing)) {
            forget(key, listing);
            listing = null;
        }
        if (listing == null) {
            listing = read(tid, fd, process);
            if (listing == null) return Disposition.PASSTHROUGH; // not a readable directory: the kernel's error
            listings.put(key, listing);
            if (listings.size() >= sweepAt) sweep();
        }
        int before = listing.entries.position();
        byte[] records = listing.entries.next(stop.argument(2) & 0xffffffffL, format);
        if (records == null) return Disposition.fail(Errno.EINVAL); // the buffer cannot hold the next entry
        for (int at = 0; at < records.length; at += PAGE) {
            byte[] chunk = Arrays.copyOfRange(records, at, Math.min(records.length, at + PAGE));
            if (!stop.memory().write(tid, stop.argument(1) + at, chunk)) {
                listing.entries.seek(before);
                return Disposition.fail(Errno.EFAULT);
            }
        }
        if (records.length == 0) detach(listing);
        return Disposition.emulate(records.length);
    }

    private Disposition seek(SyscallStop stop) {
        if (listings.isEmpty()) return Disposition.PASSTHROUGH;
        int tid = stop.tid(), fd = (int) stop.argument(0);
        long key = key(files.processOf(tid), fd);
        Listing listing = listings.get(key);
        if (listing == null) return Disposition.PASSTHROUGH;
        if (!stillOpen(tid, fd, listing)) {
            forget(key, listing);
            return Disposition.PASSTHROUGH;
        }
        long offset = stop.argument(1);
        int whence = (int) stop.argument(2);
        if (whence == SEEK_SET && offset == 0) {
            forget(key, listing); // rewinddir: the next read sees the directory as it is then
            return Disposition.PASSTHROUGH;
        }
        if (whence == SEEK_SET && offset > 0) {
            listing.entries.seek(offset);
            return Disposition.emulate(offset);
        }
        if (whence == SEEK_CUR && offset == 0) return Disposition.emulate(listing.entries.position());
        forget(key, listing);
        return Disposition.PASSTHROUGH;
    }

    /** Whether the thread's fd is still the open directory listing was read from. */
    private boolean stillOpen(int tid, int fd, Listing listing) {
        Posix posix = files.posix();
        if (listing.copy >= 0) {
            return posix.call(Syscall.KCMP, tid, Posix.getpid(), KCMP_FILE, fd, listing.copy) == 0;
        }
        int copy = copyOf(tid, fd);
        if (copy < 0) return false;
        try {
            return listing.directory.same(files.identifyOwn(copy))
                    && posix.call(Syscall.LSEEK, copy, 0, SEEK_CUR) == listing.endOffset;
        } finally {
            posix.close(copy);
        }
    }

    /** Reads the whole directory open as the thread's fd; null if fd is not a directory detsim can read. */
    private Listing read(int tid, int fd, int process) {
        Posix posix = files.posix();
        int copy = copyOf(tid, fd);
        if (copy < 0) return null;
        HostInode directory = files.identifyOwn(copy);
        List<DirectoryListing.Entry> entries = new ArrayList<>();
        if (directory == null || !directory.directory() || posix.call(Syscall.LSEEK, copy, 0, SEEK_SET) < 0
                || !readAll(copy, entries)) {
            posix.close(copy);
            return null;
        }
        long end = posix.call(Syscall.LSEEK, copy, 0, SEEK_CUR);
        // Entries get their virtual inode numbers in name order: first sight follows the names, not the disk.
        DirectoryListing sorted = DirectoryListing.sorted(entries, inode -> world.inodes().inode(directory.device(), inode));
        return new Listing(sorted, directory, end, process, copy);
    }

    /** Every entry of the directory open as copy, with host inode numbers. */
    private boolean readAll(int copy, List<DirectoryListing.Entry> into) {
        for (;;) {
            long n = files.posix().callBlocking(Syscall.GETDENTS64, copy, readBuffer.address(), READ_BUFFER, 0);
            if (n < 0) return false;
            if (n == 0) return true;
            for (int at = 0; at < n; ) {
                long inode = readBuffer.get(JAVA_LONG, at + Dirent.DIRENT64_INO);
                int length = Short.toUnsignedInt(readBuffer.get(JAVA_SHORT, at + Dirent.DIRENT64_RECLEN));
                if (length <= Dirent.DIRENT64_NAME || at + length > n) return false; // not what the kernel writes
                int type = Byte.toUnsignedInt(readBuffer.get(JAVA_BYTE, at + Dirent.DIRENT64_TYPE));
                int nameEnd = at + Dirent.DIRENT64_NAME;
                while (readBuffer.get(JAVA_BYTE, nameEnd) != 0) nameEnd++;
                byte[] name = readBuffer.asSlice(at + Dirent.DIRENT64_NAME, nameEnd - at - Dirent.DIRENT64_NAME)
                        .toArray(JAVA_BYTE);
                into.add(new DirectoryListing.Entry(inode, type, name));
                at += length;
            }
        }
    }

    /** A copy in detsim of the thread's descriptor fd (the same open file), or -errno. */
    private int copyOf(int tid, int fd) {
        Posix posix = files.posix();
        int pidfd = posix.pidfdOpen(tid, Posix.PIDFD_THREAD);
        if (pidfd == -Errno.EINVAL) pidfd = posix.pidfdOpen(tid, 0); // a kernel before 6.9: leaders only
        if (pidfd < 0) return pidfd;
        try {
            return posix.pidfdGetfd(pidfd, fd);
        } finally {
            posix.close(pidfd);
        }
    }

    /** The end was reported: close the copy unless the offset cannot tell this open apart from a new one. */
    private void detach(Listing listing) {
        if (listing.copy >= 0 && listing.endOffset > 0) {
            files.posix().close(listing.copy);
            listing.copy = -1;
        }
    }

    private void forget(long key, Listing listing) {
        listings.remove(key);
        if (listing.copy >= 0) files.posix().close(listing.copy);
    }

    /** Drops the listings of processes that have exited (detsim sees no close, so they pile up otherwise). */
    private void sweep() {
        for (Iterator<Map.Entry<Long, Listing>> it = listings.entrySet().iterator(); it.hasNext(); ) {
            Listing l = it.next().getValue();
            if (files.posix().kill(l.process, 0) == -Errno.ESRCH) {
                if (l.copy >= 0) files.posix().close(l.copy);
                it.remove();
            }
        }
        files.forgetExitedThreads();
        sweepAt = Math.max(SWEEP_AT, 2 * listings.size());
    }
}
