package dev.detsim.sandbox.world;

import static dev.detsim.abi.Dirent.*;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.LongUnaryOperator;

/**
 * One reading of a directory as the program sees it: every entry, sorted by name (byte order), handed out
 * a buffer at a time as getdents64 (or the old getdents) records. The host lists a directory in the order
 * of its own data structures (a hash order on ext4), which differs between disks and runs; sorting the
 * whole directory, not each buffer, makes the order depend only on the names.
 *
 * <p>The position is the number of entries handed out; each record's d_off is the position after it, so a
 * program's telldir/seekdir (lseek to a d_off) lands where it should.
 */
public final class DirectoryListing {
    /** An entry: the virtual inode number, the d_type, and the name's bytes. */
    public record Entry(long inode, int type, byte[] name) {}

    /** The two record formats: struct linux_dirent64 (getdents64) and struct linux_dirent (getdents). */
    public enum Format {
        DIRENT64 {
            @Override
            int recordLength(int nameLength) {
                return align8(DIRENT64_NAME + nameLength + 1);
            }

            @Override
            void put(ByteBuffer b, int at, Entry e, long offset, int length) {
                b.putLong(at + DIRENT64_INO, e.inode()).putLong(at + DIRENT64_OFF, offset)
                        .putShort(at + DIRENT64_RECLEN, (short) length);
                b.put(at + DIRENT64_TYPE, (byte) e.type());
                b.put(at + DIRENT64_NAME, e.name());
            }
        },
        DIRENT {
            @Override
            int recordLength(int nameLength) {
                return align8(DIRENT_NAME + nameLength + 2); // the name's NUL, then d_type in the record's last byte
            }

            @Override
            void put(ByteBuffer b, int at, Entry e, long offset, int length) {
                b.putLong(at + DIRENT_INO, e.inode()).putLong(at + DIRENT_OFF, offset)
                        .putShort(at + DIRENT_RECLEN, (short) length);
                b.put(at + DIRENT_NAME, e.name());
                b.put(at + length - 1, (byte) e.type());
            }
        };

        abstract int recordLength(int nameLength);

        abstract void put(ByteBuffer b, int at, Entry e, long offset, int length);

        private static int align8(int n) {
            return (n + 7) & ~7;
        }
    }

    private final List<Entry> entries;
    private int position;

    private DirectoryListing(List<Entry> entries) {
        this.entries = entries;
    }

    /** A listing of entries in name order (byte-wise, unsigned, as C's strcmp orders them). */
    public static DirectoryListing sorted(List<Entry> entries) {
        return sorted(entries, inode -> inode);
    }

    /**
     * A listing of entries in name order, each inode number replaced by virtualInode(number), called in that
     * order (so that numbering by first sight follows the names).
     */
    public static DirectoryListing sorted(List<Entry> entries, LongUnaryOperator virtualInode) {
        List<Entry> sorted = new ArrayList<>(entries);
        sorted.sort((a, b) -> Arrays.compareUnsigned(a.name(), b.name()));
        List<Entry> renumbered = new ArrayList<>(sorted.size());
        for (Entry e : sorted) renumbered.add(new Entry(virtualInode.applyAsLong(e.inode()), e.type(), e.name()));
        return new DirectoryListing(List.copyOf(renumbered));
    }

    public int size() {
        return entries.size();
    }

    public List<Entry> entries() {
        return entries;
    }

    public int position() {
        return position;
    }

    /** Moves to position (clamped to 0..size), as lseek to a d_off does. */
    public void seek(long position) {
        this.position = (int) Math.max(0, Math.min(position, entries.size()));
    }

    /**
     * The records from the current position that fit in capacity bytes, and moves past them: an empty array
     * at the end, null when the next record alone does not fit (the kernel's EINVAL).
     */
    public byte[] next(long capacity, Format format) {
        int end = position, bytes = 0;
        while (end < entries.size()) {
            int length = format.recordLength(entries.get(end).name().length);
            if (bytes + (long) length > capacity) break;
            bytes += length;
            end++;
        }
        if (end == position && position < entries.size()) return null;
        ByteBuffer b = ByteBuffer.allocate(bytes).order(ByteOrder.nativeOrder());
        int at = 0;
        for (int i = position; i < end; i++) {
            Entry e = entries.get(i);
            int length = format.recordLength(e.name().length);
            format.put(b, at, e, i + 1, length);
            at += length;
        }
        position = end;
        return b.array();
    }
}
