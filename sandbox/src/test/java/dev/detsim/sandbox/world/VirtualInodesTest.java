package dev.detsim.sandbox.world;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import org.junit.jupiter.api.Test;

/** Virtual inode and device numbers: by first sight, stable, and fresh for a file created on a reused inode. */
class VirtualInodesTest {
    private static final long DISK = VirtualInodes.makedev(254, 0), TMPFS = VirtualInodes.makedev(0, 43);

    @Test
    void inodesAreNumberedInTheOrderFirstSeenAndStayPut() {
        VirtualInodes v = new VirtualInodes();
        assertEquals(1, v.inode(DISK, 2_244_615));
        assertEquals(2, v.inode(DISK, 17));
        assertEquals(1, v.inode(DISK, 2_244_615), "the same inode keeps its number");
        assertEquals(3, v.inode(TMPFS, 17), "the same inode number on another device is another file");
        assertEquals(2, v.inode(DISK, 17));
        assertEquals(3, v.size());
    }

    @Test
    void theSameSightingsGiveTheSameNumbersWhateverTheHostNumbers() {
        VirtualInodes a = new VirtualInodes(), b = new VirtualInodes();
        long[] hostA = {900, 31, 900, 77_000_000}, hostB = {5, 6, 5, 12};
        for (int i = 0; i < hostA.length; i++) assertEquals(a.inode(DISK, hostA[i]), b.inode(TMPFS, hostB[i]));
    }

    @Test
    void aCreatedFileGetsANumberOfItsOwnEvenOnAReusedHostInode() {
        VirtualInodes v = new VirtualInodes();
        long old = v.inode(DISK, 500);
        v.inode(DISK, 501);
        v.renumber(DISK, 500); // the old file was deleted and the host handed its inode to a new one
        long reborn = v.inode(DISK, 500);
        assertNotEquals(old, reborn);
        assertEquals(3, reborn);
        v.renumber(DISK, 502); // a new inode: numbered at creation, its first sight
        assertEquals(4, v.inode(DISK, 502));
    }

    @Test
    void devicesAreNumberedZeroColonNByFirstSight() {
        VirtualInodes v = new VirtualInodes();
        long first = v.device(DISK), second = v.device(TMPFS);
        assertEquals(0, VirtualInodes.major(first));
        assertEquals(1, VirtualInodes.minor(first));
        assertEquals(2, VirtualInodes.minor(second));
        assertEquals(first, v.device(DISK));
    }

    @Test
    void devTEncodingMatchesGlibc() {
        // gnu_dev_makedev: minor's low 8 bits, major's low 12 bits at 8, minor's high bits at 20, major's high at 44.
        assertEquals(0xfe00L, VirtualInodes.makedev(254, 0));
        assertEquals(0x412356L, VirtualInodes.makedev(0x123, 0x456));
        long dev = VirtualInodes.makedev(0x12345, 0x6789a);
        assertEquals(0x12345, VirtualInodes.major(dev));
        assertEquals(0x6789a, VirtualInodes.minor(dev));
        assertEquals(259, VirtualInodes.major(VirtualInodes.makedev(259, 3)));
        assertEquals(3, VirtualInodes.minor(VirtualInodes.makedev(259, 3)));
    }

    /** Replay's overlay: its device stands for the disk it covers, so its files number as the disk's did. */
    @Test
    void anAliasedDeviceIsTheDeviceItStandsFor() {
        long overlay = VirtualInodes.makedev(0, 77);
        VirtualInodes v = new VirtualInodes();
        v.alias(overlay, DISK);
        long libc = v.inode(DISK, 10), db = v.inode(overlay, 11);
        assertEquals(v.device(DISK), v.device(overlay));
        assertEquals(db, v.inode(DISK, 11));
        assertNotEquals(libc, db);
        v.renumber(overlay, 10);
        assertNotEquals(libc, v.inode(DISK, 10), "a file created on the overlay renumbers the disk's inode");
    }
}
