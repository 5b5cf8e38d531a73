package dev.detsim.sandbox.world;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.detsim.sandbox.world.FileTimes.Times;
import org.junit.jupiter.api.Test;

/** File times: the epoch until the run changes a file, then the virtual time of each change. */
class FileTimesTest {
    private static final long EPOCH = 946_684_800_000_000_000L, DEV = 0xfe00;

    @Test
    void filesTheRunHasNotChangedShowTheEpoch() {
        FileTimes t = new FileTimes(EPOCH);
        assertEquals(new Times(EPOCH, EPOCH, EPOCH, EPOCH), t.of(DEV, 42));
    }

    @Test
    void creationWritesAndStatusChangesStampTheirOwnFields() {
        FileTimes t = new FileTimes(EPOCH);
        t.created(DEV, 7, EPOCH + 10);
        assertEquals(new Times(EPOCH + 10, EPOCH + 10, EPOCH + 10, EPOCH + 10), t.of(DEV, 7));
        t.modified(DEV, 7, EPOCH + 20);
        assertEquals(new Times(EPOCH + 10, EPOCH + 20, EPOCH + 20, EPOCH + 10), t.of(DEV, 7), "reads never move atime");
        t.statusChanged(DEV, 7, EPOCH + 30);
        assertEquals(new Times(EPOCH + 10, EPOCH + 20, EPOCH + 30, EPOCH + 10), t.of(DEV, 7));
        t.statusChanged(DEV, 8, EPOCH + 40);
        assertEquals(new Times(EPOCH, EPOCH, EPOCH + 40, EPOCH), t.of(DEV, 8), "a file from before the run");
    }

    @Test
    void timesTheProgramSetsAreShownExactly() {
        FileTimes t = new FileTimes(EPOCH);
        long access = 1_111_111_111_500_000_000L, modify = 1_234_567_890_123_456_789L;
        t.setByProgram(DEV, 9, access, modify, EPOCH + 5);
        assertEquals(new Times(access, modify, EPOCH + 5, EPOCH), t.of(DEV, 9));
        t.setByProgram(DEV, 9, null, 0L, EPOCH + 6); // UTIME_OMIT for atime, the Unix epoch for mtime
        assertEquals(new Times(access, 0, EPOCH + 6, EPOCH), t.of(DEV, 9));
    }

    @Test
    void aNewFileOnAReusedInodeStartsAfresh() {
        FileTimes t = new FileTimes(EPOCH);
        t.setByProgram(DEV, 3, 1L, 2L, EPOCH + 1);
        t.created(DEV, 3, EPOCH + 9);
        assertEquals(new Times(EPOCH + 9, EPOCH + 9, EPOCH + 9, EPOCH + 9), t.of(DEV, 3));
    }
}
