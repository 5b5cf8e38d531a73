package dev.detsim.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class VirtualClockTest {
    @Test
    void startsAtTheOriginAndTicksByTheQuantum() {
        VirtualClock clock = new VirtualClock();
        assertEquals(0, clock.now());
        assertEquals(1_000, clock.quantum());
        clock.tick();
        clock.tick();
        assertEquals(2_000, clock.now());
    }

    @Test
    void jumpsForwardButNeverBack() {
        VirtualClock clock = new VirtualClock(250);
        clock.advanceTo(10_000);
        assertEquals(10_000, clock.now());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> clock.advanceTo(9_999));
        assertTrue(e.getMessage().contains("cannot go back"));
        assertThrows(IllegalArgumentException.class, () -> new VirtualClock(0));
    }

    @Test
    void deadlinesSaturateInsteadOfOverflowing() {
        assertTrue(Deadline.after(5, Long.MAX_VALUE - 2).isNone());
        assertEquals(Deadline.at(15), Deadline.after(5, 10));
        assertTrue(Deadline.at(15).passedAt(15));
        assertTrue(!Deadline.at(15).passedAt(14));
        assertTrue(!Deadline.NONE.passedAt(Long.MAX_VALUE));
        assertThrows(IllegalArgumentException.class, () -> Deadline.after(0, -1));
    }
}
