package dev.detsim.sandbox.handlers;

import static dev.detsim.abi.Getrandom.GRND_INSECURE;
import static dev.detsim.abi.Getrandom.GRND_NONBLOCK;
import static dev.detsim.abi.Getrandom.GRND_RANDOM;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.detsim.sandbox.api.Disposition;
import dev.detsim.sandbox.api.FakeExecStop;
import dev.detsim.sandbox.api.FakeGuestMemory;
import dev.detsim.sandbox.api.FakeSyscallStop;
import dev.detsim.abi.Errno;
import dev.detsim.sandbox.syscall.Syscall;
import dev.detsim.sandbox.world.Entropy;
import dev.detsim.scheduler.ProcessId;
import org.junit.jupiter.api.Test;

/** getrandom and AT_RANDOM: every random byte from the run's seed. */
class RandomHandlerTest {
    private static final int TID = FakeSyscallStop.NO_SUCH_TID;
    private static final long BUF = 0x10_0000;

    private static Disposition getrandom(RandomHandler h, FakeGuestMemory m, long... args) {
        return h.onSyscall(FakeSyscallStop.builder(Syscall.GETRANDOM, args).memory(m).build());
    }

    private static byte[] expected(long seed, int n) {
        byte[] b = new byte[n];
        new Entropy(seed).nextBytes(b);
        return b;
    }

    @Test
    void bytesComeFromTheSeedAndRepeatWithIt() {
        FakeGuestMemory a = new FakeGuestMemory().map(TID, BUF, 100), b = new FakeGuestMemory().map(TID, BUF, 100);
        assertEquals(Disposition.emulate(100), getrandom(new RandomHandler(new Entropy(42)), a, BUF, 100, 0));
        assertEquals(Disposition.emulate(100), getrandom(new RandomHandler(new Entropy(42)), b, BUF, 100, GRND_NONBLOCK));
        assertArrayEquals(a.bytesAt(TID, BUF, 100), b.bytesAt(TID, BUF, 100));
        assertArrayEquals(expected(42, 100), a.bytesAt(TID, BUF, 100));
        FakeGuestMemory c = new FakeGuestMemory().map(TID, BUF, 100);
        getrandom(new RandomHandler(new Entropy(43)), c, BUF, 100, 0);
        assertFalse(java.util.Arrays.equals(a.bytesAt(TID, BUF, 100), c.bytesAt(TID, BUF, 100)));
    }

    @Test
    void flagsAreAnUnsignedIntOfKnownBits() {
        FakeGuestMemory m = new FakeGuestMemory().map(TID, BUF, 16);
        RandomHandler h = new RandomHandler(new Entropy(1));
        assertEquals(Disposition.fail(Errno.EINVAL), getrandom(h, m, BUF, 16, GRND_RANDOM | GRND_INSECURE));
        assertEquals(Disposition.fail(Errno.EINVAL), getrandom(h, m, BUF, 16, 8));
        assertEquals(Disposition.fail(Errno.EINVAL), getrandom(h, m, BUF, 16, 0x8000_0000L));
        assertTrue(m.writes().isEmpty());
        assertEquals(Disposition.emulate(16), getrandom(h, m, BUF, 16, (1L << 32) | GRND_RANDOM), "upper half ignored");
        assertEquals(Disposition.emulate(16), getrandom(h, m, BUF, 16, GRND_INSECURE | GRND_NONBLOCK));
    }

    @Test
    void aFaultReturnsTheBytesBeforeTheFirstUnwritablePage() {
        long start = 0x20_0000 - 100; // 100 bytes before a page boundary; the next page unmapped
        FakeGuestMemory m = new FakeGuestMemory().map(TID, start, 100);
        RandomHandler h = new RandomHandler(new Entropy(5));
        assertEquals(Disposition.emulate(100), getrandom(h, m, start, 5000, 0));
        assertArrayEquals(expected(5, 100), m.bytesAt(TID, start, 100));
        assertEquals(Disposition.fail(Errno.EFAULT), getrandom(h, m, 0x9000_0000L, 10, 0), "nothing writable");
        assertEquals(Disposition.emulate(0), getrandom(h, m, 0x9000_0000L, 0, 0), "nothing asked");
    }

    @Test
    void largeCountsAreWrittenPageByPageAndCapped() {
        FakeGuestMemory m = new FakeGuestMemory().map(TID, BUF, 10_000);
        assertEquals(Disposition.emulate(10_000), getrandom(new RandomHandler(new Entropy(9)), m, BUF, 10_000, 0));
        assertArrayEquals(expected(9, 10_000), m.bytesAt(TID, BUF, 10_000), "drawn per 4096 bytes as one stream");
        assertTrue(m.writes().stream().allMatch(w -> w.bytes().length <= 4096 && !w.scratch()));
        // A count above MAX_RW_COUNT (a huge size_t: unsigned, not negative) is capped; here memory ends first,
        // at the end of the third page.
        m.map(TID, BUF, 3 * 4096);
        assertEquals(Disposition.emulate(3 * 4096), getrandom(new RandomHandler(new Entropy(9)), m, BUF, -1L, 0));
    }

    @Test
    void execReplacesTheAtRandomBytes() {
        long sp = 0x7000_0000L, random = 0x7100_0000L;
        FakeGuestMemory m = new FakeGuestMemory();
        // argc 1, argv[0], NULL, envp[0], NULL, {AT_ENTRY, x}, {AT_RANDOM, random}, {AT_NULL, 0}
        m.putLongs(TID, sp, 1, 0x1234, 0, 0x5678, 0, 9, 0x4000, 25, random, 0, 0);
        m.put(TID, random, new byte[16]);
        new RandomHandler(new Entropy(77)).onExec(new FakeExecStop(TID, ProcessId.of(1), sp, m));
        assertArrayEquals(expected(77, 16), m.bytesAt(TID, random, 16));
        FakeGuestMemory none = new FakeGuestMemory().putLongs(TID, sp, 0, 0, 0, 0, 0);
        new RandomHandler(new Entropy(77)).onExec(new FakeExecStop(TID, ProcessId.of(1), sp, none));
        assertTrue(none.writes().isEmpty(), "no AT_RANDOM entry: nothing written");
    }
}
