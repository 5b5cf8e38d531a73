package dev.detsim.abi;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * struct statx (linux/stat.h), 256 bytes on every architecture: a view over the bytes, like {@link Stat}, so the
 * fields newer kernels fill (and detsim does not name) reach the guest as the kernel wrote them. Its times are
 * struct statx_timestamp {s64 tv_sec; u32 tv_nsec; s32 reserved}.
 */
public final class Statx {
    public static final int SIZE = 256;
    static final int STX_MASK = 0, STX_NLINK = 16, STX_MODE = 28, STX_INO = 32, STX_SIZE = 40, STX_BLOCKS = 48, STX_ATIME = 64,
            STX_BTIME = 80, STX_CTIME = 96, STX_MTIME = 112, STX_DEV_MAJOR = 136, STX_DEV_MINOR = 140,
            STX_MNT_ID = 144, TV_NSEC = 8;
    /** stx_mask bits: which fields the kernel filled in. */
    public static final int STATX_TYPE = 0x1, STATX_MODE = 0x2, STATX_NLINK = 0x4, STATX_UID = 0x8,
            STATX_GID = 0x10, STATX_ATIME = 0x20, STATX_MTIME = 0x40, STATX_CTIME = 0x80, STATX_INO = 0x100,
            STATX_SIZE = 0x200, STATX_BLOCKS = 0x400, STATX_BASIC_STATS = 0x7ff, STATX_BTIME = 0x800,
            STATX_MNT_ID = 0x1000;

    private final ByteBuffer bytes;

    /** A view of the struct at the start of bytes (at least SIZE of them); writes go to bytes. */
    public Statx(ByteBuffer bytes) {
        if (bytes.capacity() < SIZE) throw new IllegalArgumentException("a struct statx needs " + SIZE + " bytes");
        this.bytes = bytes.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    }

    public int mask() {
        return bytes.getInt(STX_MASK);
    }

    public int nlink() {
        return bytes.getInt(STX_NLINK);
    }

    /** stx_mode (16 bits). */
    public int mode() {
        return Short.toUnsignedInt(bytes.getShort(STX_MODE));
    }

    public long ino() {
        return bytes.getLong(STX_INO);
    }

    public long size() {
        return bytes.getLong(STX_SIZE);
    }

    public int devMajor() {
        return bytes.getInt(STX_DEV_MAJOR);
    }

    public int devMinor() {
        return bytes.getInt(STX_DEV_MINOR);
    }

    public long mountId() {
        return bytes.getLong(STX_MNT_ID);
    }

    public Timespec atime() {
        return time(STX_ATIME);
    }

    public Timespec btime() {
        return time(STX_BTIME);
    }

    public Timespec ctime() {
        return time(STX_CTIME);
    }

    public Timespec mtime() {
        return time(STX_MTIME);
    }

    public void setNlink(int nlink) {
        bytes.putInt(STX_NLINK, nlink);
    }

    /** Sets stx_size and stx_blocks (512-byte units). */
    public void setSize(long size, long blocks) {
        bytes.putLong(STX_SIZE, size).putLong(STX_BLOCKS, blocks);
    }

    public void setIno(long ino) {
        bytes.putLong(STX_INO, ino);
    }

    public void setDev(int major, int minor) {
        bytes.putInt(STX_DEV_MAJOR, major).putInt(STX_DEV_MINOR, minor);
    }

    public void setMountId(long id) {
        bytes.putLong(STX_MNT_ID, id);
    }

    /** Sets stx_atime, stx_btime, stx_ctime and stx_mtime. */
    public void setTimes(Timespec access, Timespec birth, Timespec change, Timespec modify) {
        putTime(STX_ATIME, access);
        putTime(STX_BTIME, birth);
        putTime(STX_CTIME, change);
        putTime(STX_MTIME, modify);
    }

    private Timespec time(int at) {
        return new Timespec(bytes.getLong(at), Integer.toUnsignedLong(bytes.getInt(at + TV_NSEC)));
    }

    private void putTime(int at, Timespec t) {
        bytes.putLong(at, t.seconds()).putInt(at + TV_NSEC, (int) t.nanos());
    }
}
