package dev.detsim.sandbox.world;

import static dev.detsim.abi.Dirent.DT_DIR;
import static dev.detsim.abi.Dirent.DT_REG;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.detsim.abi.Dirent;
import dev.detsim.sandbox.world.DirectoryListing.Entry;
import dev.detsim.sandbox.world.DirectoryListing.Format;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A directory listing: whole-directory name order, records as the kernel lays them out, buffer by buffer. */
class DirectoryListingTest {

    private static Entry entry(long inode, String name) {
        return new Entry(inode, name.startsWith(".") ? DT_DIR : DT_REG, name.getBytes(StandardCharsets.UTF_8));
    }

    /** Names (and the d_off values) in records, parsed as a program would. */
    private static List<String> names(byte[] records, Format format, List<Long> offsets, List<Long> inodes) {
        ByteBuffer b = ByteBuffer.wrap(records).order(ByteOrder.nativeOrder());
        List<String> names = new ArrayList<>();
        int nameAt = format == Format.DIRENT64 ? Dirent.DIRENT64_NAME : Dirent.DIRENT_NAME;
        for (int at = 0; at < records.length; ) {
            int length = Short.toUnsignedInt(b.getShort(at + 16));
            int end = at + nameAt;
            while (records[end] != 0) end++;
            names.add(new String(records, at + nameAt, end - at - nameAt, StandardCharsets.UTF_8));
            inodes.add(b.getLong(at));
            offsets.add(b.getLong(at + 8));
            assertEquals(0, length % 8, "records are 8-byte aligned");
            at += length;
        }
        return names;
    }

    @Test
    void theWholeDirectoryIsInByteOrderAcrossBuffers() {
        List<Entry> hostOrder = List.of(entry(11, "zeta"), entry(12, "Alpha"), entry(2, ".."), entry(13, "é"),
                entry(14, "alpha"), entry(1, "."), entry(15, "-dash"), entry(16, "b10"), entry(17, "b9"));
        DirectoryListing l = DirectoryListing.sorted(hostOrder);
        List<String> all = new ArrayList<>();
        List<Long> offsets = new ArrayList<>(), inodes = new ArrayList<>();
        int calls = 0;
        for (byte[] r; (r = l.next(64, Format.DIRENT64)).length > 0; calls++) {
            all.addAll(names(r, Format.DIRENT64, offsets, inodes));
        }
        // strcmp order: '-' < '.' < 'A' < 'a' < 0xC3 (UTF-8 of é)
        assertEquals(List.of("-dash", ".", "..", "Alpha", "alpha", "b10", "b9", "zeta", "é"), all);
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L), offsets, "d_off is the position after the entry");
        assertEquals(List.of(15L, 1L, 2L, 12L, 14L, 16L, 17L, 11L, 13L), inodes);
        assertEquals(5, calls, "64-byte buffers hold two 24- or 32-byte records each");
        assertEquals(0, l.next(64, Format.DIRENT64).length, "and the end stays the end");
    }

    @Test
    void recordLengthsAndLayoutMatchTheKernel() {
        DirectoryListing l = DirectoryListing.sorted(List.of(entry(7, "abcde")));
        byte[] r = l.next(4096, Format.DIRENT64);
        assertEquals(32, r.length, "19 + 5 + NUL = 25, aligned to 32");
        ByteBuffer b = ByteBuffer.wrap(r).order(ByteOrder.nativeOrder());
        assertEquals(7, b.getLong(0));
        assertEquals(1, b.getLong(8));
        assertEquals(32, b.getShort(16));
        assertEquals(DT_REG, r[18]);
        assertArrayEquals("abcde\0".getBytes(StandardCharsets.US_ASCII), java.util.Arrays.copyOfRange(r, 19, 25));

        l.seek(0);
        byte[] old = l.next(4096, Format.DIRENT);
        assertEquals(32, old.length, "18 + 5 + NUL + d_type = 25, aligned to 32");
        assertEquals(DT_REG, old[31], "d_type is the record's last byte");
        assertEquals('a', old[18]);
    }

    @Test
    void aBufferTooSmallForTheNextEntryIsEinvalAndMovesNothing() {
        DirectoryListing l = DirectoryListing.sorted(List.of(entry(1, "a"), entry(2, "a-rather-long-name")));
        assertEquals(24, l.next(30, Format.DIRENT64).length);
        assertNull(l.next(30, Format.DIRENT64), "the second record needs 40 bytes");
        assertEquals(1, l.position());
        assertEquals(40, l.next(40, Format.DIRENT64).length);
    }

    @Test
    void seekingToAnOffsetResumesThere() {
        DirectoryListing l = DirectoryListing.sorted(List.of(entry(1, "c"), entry(2, "a"), entry(3, "b")));
        l.next(4096, Format.DIRENT64);
        l.seek(2); // seekdir to the d_off of "b"
        List<Long> offsets = new ArrayList<>(), inodes = new ArrayList<>();
        assertEquals(List.of("c"), names(l.next(4096, Format.DIRENT64), Format.DIRENT64, offsets, inodes));
        l.seek(99);
        assertEquals(3, l.position());
        l.seek(-1);
        assertEquals(0, l.position());
    }

    @Test
    void inodesAreRenumberedInNameOrder() {
        VirtualInodes v = new VirtualInodes();
        DirectoryListing l = DirectoryListing.sorted(List.of(entry(900, "z"), entry(31, "m"), entry(5, "a")),
                inode -> v.inode(0xfe00, inode));
        assertEquals(List.of(1L, 2L, 3L), l.entries().stream().map(Entry::inode).toList());
        assertEquals(3, v.inode(0xfe00, 900));
    }
}
