package dev.detsim.abi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.ByteBuffer;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The codecs against structs C filled in (abi-facts' samples): decoding gives C's values, encoding C's bytes. */
class CodecTest {
    @Test
    void timespec() {
        byte[] c = CFacts.sample("timespec");
        Timespec t = new Timespec(0x0102030405060708L, 123456789);
        assertEquals(t, Timespec.decode(c, 0));
        assertArrayEquals(c, t.encode());
        assertEquals(-1, Timespec.nanosOf(Arrays.copyOf(c, 15)), "short");
        assertEquals(-1, Timespec.nanosOf(null));
        assertEquals(-1, Timespec.nanosOf(new Timespec(1, 1_000_000_000).encode()), "tv_nsec out of range");
        assertEquals(-1, Timespec.nanosOf(new Timespec(-1, 0).encode()), "negative");
        assertEquals(Long.MAX_VALUE - 1, Timespec.nanosOf(c), "too many seconds: never");
        assertEquals(2_000_000_003L, Timespec.nanosOf(new Timespec(2, 3).encode()));
        assertEquals(new Timespec(-1, 999_999_999), Timespec.ofNanos(-1));
    }

    @Test
    void timeval() {
        byte[] c = CFacts.sample("timeval");
        Timeval t = new Timeval(0x0a0b0c0d0e0f1011L, 654321);
        assertEquals(t, Timeval.decode(c, 0));
        assertArrayEquals(c, t.encode());
        assertEquals(2_000_003_000L, Timeval.nanosOf(new Timeval(2, 3).encode()));
        assertEquals(-1, Timeval.nanosOf(new Timeval(0, 1_000_000).encode()));
        assertEquals(new Timeval(1, 999), Timeval.ofNanos(1_000_999_999L), "microseconds, truncated");
    }

    @Test
    void itimerspecAndItimerval() {
        byte[] c = CFacts.sample("itimerspec");
        Itimerspec s = new Itimerspec(new Timespec(1, 2), new Timespec(3, 4));
        assertEquals(s, Itimerspec.decodeOrNull(c));
        assertArrayEquals(c, s.encode());
        assertNull(Itimerspec.decodeOrNull(Arrays.copyOf(c, 31)));
        byte[] v = CFacts.sample("itimerval");
        Itimerval i = new Itimerval(new Timeval(5, 6), new Timeval(7, 8));
        assertEquals(i, Itimerval.decodeOrNull(v));
        assertArrayEquals(v, i.encode());
    }

    @Test
    void utimbuf() {
        byte[] c = CFacts.sample("utimbuf");
        Utimbuf u = new Utimbuf(-1, 0x7fffffff01L);
        assertEquals(u, Utimbuf.decodeOrNull(c));
        assertArrayEquals(c, u.encode());
        assertNull(Utimbuf.decodeOrNull(Arrays.copyOf(c, 8)));
    }

    @Test
    void pollfd() {
        byte[] c = CFacts.sample("pollfd");
        PollFd[] p = {new PollFd(7, Poll.POLLIN | Poll.POLLPRI, 0x8001), new PollFd(-1, Poll.POLLOUT, 0)};
        assertArrayEquals(p, PollFd.decodeAll(c, 2));
        assertArrayEquals(c, PollFd.encodeAll(p));
    }

    @Test
    void sigeventAndSiginfo() {
        byte[] c = CFacts.sample("sigevent");
        Sigevent e = new Sigevent(0x1122334455667788L, 34, Sigevent.SIGEV_THREAD_ID, 4242);
        assertEquals(e, Sigevent.decodeOrNull(c));
        assertEquals(e, Sigevent.decodeOrNull(Arrays.copyOf(c, Sigevent.USED_BYTES)));
        assertNull(Sigevent.decodeOrNull(Arrays.copyOf(c, Sigevent.USED_BYTES - 1)));
        assertArrayEquals(c, e.encode());
        assertArrayEquals(CFacts.sample("siginfo_timer"), Siginfo.timer(35, 3, 5, 0x99aabbccddeeff00L));
    }

    @Test
    void openHow() {
        byte[] c = CFacts.sample("open_how");
        OpenHow h = new OpenHow(0x0102030405060708L, 0644, 0x10);
        assertEquals(h, OpenHow.decode(c));
        assertArrayEquals(c, h.encode());
    }

    @Test
    void statx() {
        byte[] c = CFacts.sample("statx");
        Statx s = new Statx(ByteBuffer.wrap(c.clone()));
        assertEquals(Statx.STATX_BASIC_STATS | Statx.STATX_BTIME, s.mask());
        assertEquals(2, s.nlink());
        assertEquals(0xf1ff, s.mode(), "16 bits, unsigned");
        assertEquals(0x0102030405060708L, s.ino());
        assertEquals(99, s.size());
        assertEquals(new Timespec(11, 999_999_999), s.atime());
        assertEquals(new Timespec(12, 1), s.btime());
        assertEquals(new Timespec(13, 2), s.ctime());
        assertEquals(new Timespec(14, 3), s.mtime());
        assertEquals(259, s.devMajor());
        assertEquals(3, s.devMinor());
        assertEquals(77, s.mountId());

        // The setters write their fields and nothing else.
        byte[] edited = c.clone();
        Statx e = new Statx(ByteBuffer.wrap(edited));
        e.setNlink(1);
        e.setIno(42);
        e.setDev(0, 17);
        e.setMountId(17);
        e.setTimes(new Timespec(1, 2), new Timespec(3, 4), new Timespec(5, 6), new Timespec(7, 8));
        assertEquals(1, e.nlink());
        assertEquals(42, e.ino());
        assertEquals(0, e.devMajor());
        assertEquals(17, e.devMinor());
        assertEquals(17, e.mountId());
        assertEquals(new Timespec(1, 2), e.atime());
        assertEquals(new Timespec(3, 4), e.btime());
        assertEquals(new Timespec(5, 6), e.ctime());
        assertEquals(new Timespec(7, 8), e.mtime());
        assertUnchangedOutside(c, edited, new int[][] {{Statx.STX_NLINK, 4}, {Statx.STX_INO, 8},
            {Statx.STX_DEV_MAJOR, 8}, {Statx.STX_MNT_ID, 8}, {Statx.STX_ATIME, 12}, {Statx.STX_BTIME, 12},
            {Statx.STX_CTIME, 12}, {Statx.STX_MTIME, 12}});
    }

    @Test
    void statOfThisMachine() {
        stat("stat.host", Stat.Layout.of(System.getProperty("os.arch")));
    }

    @Test
    void statOfAsmGeneric() {
        stat("stat.generic", Stat.Layout.GENERIC);
    }

    private static void stat(String sample, Stat.Layout layout) {
        byte[] c = CFacts.sample(sample);
        assertEquals(layout.size(), c.length);
        Stat s = new Stat(layout, ByteBuffer.wrap(c.clone()));
        assertEquals(0x1111, s.dev());
        assertEquals(0x2222222233L, s.ino());
        assertEquals(3, s.nlink());
        assertEquals(Stat.S_IFDIR | 0755, s.mode());
        assertEquals(true, Stat.isDirectory(s.mode()));
        assertEquals(false, Stat.isRegular(s.mode()));
        assertEquals(0x5555, s.size());
        assertEquals(new Timespec(1, 2), s.atime());
        assertEquals(new Timespec(3, 4), s.mtime());
        assertEquals(new Timespec(5, 6), s.ctime());

        byte[] edited = c.clone();
        Stat e = new Stat(layout, ByteBuffer.wrap(edited));
        e.setDev(9);
        e.setIno(10);
        e.setNlink(1);
        e.setTimes(new Timespec(7, 8), new Timespec(9, 10), new Timespec(11, 12));
        assertEquals(9, e.dev());
        assertEquals(10, e.ino());
        assertEquals(1, e.nlink());
        assertEquals(new Timespec(7, 8), e.atime());
        assertEquals(new Timespec(9, 10), e.mtime());
        assertEquals(new Timespec(11, 12), e.ctime());
        assertUnchangedOutside(c, edited, new int[][] {{layout.dev(), 8}, {layout.ino(), 8},
            {layout.nlink(), layout.nlinkBytes()}, {layout.atime(), 16}, {layout.mtime(), 16}, {layout.ctime(), 16}});
    }

    /** Bytes outside the given {offset, length} ranges are the same in both. */
    private static void assertUnchangedOutside(byte[] before, byte[] after, int[][] ranges) {
        for (int i = 0; i < before.length; i++) {
            boolean inside = false;
            for (int[] r : ranges) inside |= i >= r[0] && i < r[0] + r[1];
            if (!inside) assertEquals(before[i], after[i], "byte " + i + " changed");
        }
    }
}
