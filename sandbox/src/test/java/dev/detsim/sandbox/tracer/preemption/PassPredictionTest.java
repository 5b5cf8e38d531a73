package dev.detsim.sandbox.tracer.preemption;

import static dev.detsim.sandbox.tracer.preemption.PassPrediction.passesAhead;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class PassPredictionTest {
    private static final int FLAGS = 3;

    @Test
    void aCountInARegisterTellsHowFarTheRecordedPassIs() {
        long[] before = {7, 100, 0x4000, 0x246}, now = {7, 101, 0x4000, 0x202}, recorded = {7, 189_862_444, 0x4000, 0x286};
        assertEquals(189_862_343, passesAhead(before, now, recorded, FLAGS));
    }

    @Test
    void registersThatStepTogetherMustAgree() {
        long[] before = {0, 10, 0x1000, 0}, now = {0, 12, 0x1008, 0};
        assertEquals(50, passesAhead(before, now, new long[] {0, 112, 0x1000 + 8 * 51, 0}, FLAGS));
        assertEquals(0, passesAhead(before, now, new long[] {0, 112, 0x1000 + 8 * 52, 0}, FLAGS), "51 and 52 passes");
        assertEquals(0, passesAhead(before, now, new long[] {0, 113, 0x1000 + 8 * 51, 0}, FLAGS), "not a whole step");
    }

    @Test
    void aCountDownAndAWrapStepAlike() {
        assertEquals(5, passesAhead(new long[] {0, 20, 0, 0}, new long[] {0, 19, 0, 0}, new long[] {0, 14, 0, 0}, FLAGS));
        long[] before = {0, Long.MAX_VALUE - 1, 0, 0}, now = {0, Long.MAX_VALUE, 0, 0};
        assertEquals(3, passesAhead(before, now, new long[] {0, Long.MIN_VALUE + 2, 0, 0}, FLAGS));
    }

    @Test
    void nothingToCountOrBehindOrAnotherRegisterOffIsNoPrediction() {
        long[] same = {1, 2, 3, 4};
        assertEquals(0, passesAhead(same, same, same, FLAGS), "passes look alike: the first match is the point");
        assertEquals(-3, passesAhead(new long[] {0, 5, 0, 0}, new long[] {0, 6, 0, 0}, new long[] {0, 3, 0, 0}, FLAGS),
                "the recorded pass lies 3 behind");
        assertEquals(0, passesAhead(new long[] {0, 5, 9, 0}, new long[] {0, 6, 9, 0}, new long[] {0, 60, 8, 0}, FLAGS),
                "a register that does not step differs");
        assertEquals(54, passesAhead(new long[] {0, 5, 9, 1}, new long[] {0, 6, 9, 2}, new long[] {0, 60, 9, 77}, FLAGS),
                "the flags word does not count");
    }
}
