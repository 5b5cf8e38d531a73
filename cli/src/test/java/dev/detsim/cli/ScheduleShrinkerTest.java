package dev.detsim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.detsim.scheduler.ScheduleScript;
import dev.detsim.scheduler.ScheduleScript.Switch;
import dev.detsim.scheduler.ThreadId;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * The shrinker's search over fake runs (a predicate on the schedule stands for running it): what it keeps,
 * how many runs it takes, and that it claims nothing it did not see.
 */
class ScheduleShrinkerTest {
    /** A fake program: fails iff the predicate holds; counts runs; the displaced thread is always thread 1. */
    private static final class Fake implements ScheduleShrinker.Oracle {
        final Predicate<List<Switch>> fails;
        final int budget;
        int runs;

        Fake(Predicate<List<Switch>> fails, int budget) {
            this.fails = fails;
            this.budget = budget;
        }

        @Override
        public Boolean fails(ScheduleScript script) {
            if (runs >= budget) return null;
            runs++;
            return fails.test(script.switches());
        }

        @Override
        public ThreadId displaced(ScheduleScript script, long decision) {
            if (runs >= budget) return null;
            runs++;
            return ThreadId.of(1);
        }
    }

    /** 600 switches among threads 2..5 at decisions 0, 3, 6, ... (a uniformly random schedule's share). */
    private static ScheduleScript many() {
        List<Switch> s = new ArrayList<>();
        for (int i = 0; i < 600; i++) s.add(new Switch(3L * i, ThreadId.of(2 + i % 4)));
        return new ScheduleScript(s);
    }

    private static boolean has(List<Switch> s, long decision) {
        return s.stream().anyMatch(w -> w.decision() == decision);
    }

    @Test
    void oneNeededSwitchIsFoundInFewRunsAndThenThePairByBisection() throws Exception {
        // Fails when the switch at decision 900 is there, and, with a switch back to thread 1 after k steps, only
        // when k >= 7: the pair is the 7th step of the switched-to thread against thread 1's next one.
        Fake fake = new Fake(s -> has(s, 900) && s.stream().noneMatch(w -> w.thread().value() == 1 && w.decision() < 907), 400);
        ScheduleShrinker.Result r = new ScheduleShrinker(fake).shrink(many());
        assertEquals(List.of(new Switch(900, ThreadId.of(2))), r.minimal().switches());
        assertTrue(r.oneMinimal());
        assertNotNull(r.pair());
        assertEquals(907, r.pair().decision());
        assertEquals("900:2,907:1", r.pair().failing().toString());
        assertEquals("900:2,906:1", r.pair().passing().toString());
        assertTrue(fake.runs <= 60, "runs: " + fake.runs);
    }

    @Test
    void twoSwitchesThatAreOnlyNeededTogetherAreBothKept() throws Exception {
        Fake fake = new Fake(s -> has(s, 30) && has(s, 1500), 400);
        ScheduleShrinker.Result r = new ScheduleShrinker(fake).shrink(many());
        assertEquals(List.of(30L, 1500L), r.minimal().switches().stream().map(Switch::decision).toList());
        assertTrue(r.oneMinimal());
        assertTrue(fake.runs <= 150, "runs: " + fake.runs);
    }

    @Test
    void aFailureThatNeedsNoSwitchIsSaidToNeedNone() throws Exception {
        Fake fake = new Fake(s -> true, 400);
        ScheduleShrinker.Result r = new ScheduleShrinker(fake).shrink(many());
        assertTrue(r.minimal().switches().isEmpty());
        assertNull(r.pair());
        assertEquals(1, fake.runs);
    }

    @Test
    void whenTheBudgetRunsOutNothingIsClaimedMinimal() throws Exception {
        Fake fake = new Fake(s -> has(s, 900), 5);
        ScheduleShrinker.Result r = new ScheduleShrinker(fake).shrink(many());
        assertFalse(r.oneMinimal());
        assertNull(r.pair());
        assertTrue(has(r.minimal().switches(), 900), "what is kept was seen failing");
        assertEquals(5, fake.runs);
    }

    @Test
    void chunksCoverTheListInOrder() {
        List<Switch> s = many().switches().subList(0, 10);
        var chunks = ScheduleShrinker.split(s, 3);
        assertEquals(3, chunks.size());
        assertEquals(s, chunks.stream().flatMap(List::stream).toList());
    }
}
