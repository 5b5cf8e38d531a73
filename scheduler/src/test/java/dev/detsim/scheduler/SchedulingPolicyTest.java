package dev.detsim.scheduler;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The two policies, driven by hand-made scheduling points. */
class SchedulingPolicyTest {
    static final ThreadId T1 = ThreadId.of(1), T2 = ThreadId.of(2), T3 = ThreadId.of(3);
    static final List<ThreadId> ALL = List.of(T1, T2, T3);

    static SchedulingPoint point(List<ThreadId> runnable, ThreadId previous, TurnEnd how, long turn) {
        return new SchedulingPoint(runnable, Optional.ofNullable(previous), how, turn);
    }

    @Test
    void roundRobinKeepsAThreadForItsSliceThenGoesToTheNextById() {
        DeterministicPolicy p = new DeterministicPolicy(3);
        List<ThreadId> chosen = new ArrayList<>();
        ThreadId prev = null;
        for (int turn = 0; turn < 9; turn++) {
            prev = p.choose(point(ALL, prev, prev == null ? TurnEnd.NONE : TurnEnd.STOPPED, turn));
            chosen.add(prev);
        }
        assertEquals(List.of(T1, T1, T1, T2, T2, T2, T3, T3, T3), chosen);
        assertEquals(T1, p.choose(point(ALL, T3, TurnEnd.STOPPED, 9)), "wraps around");
    }

    @Test
    void blockingYieldingOrPreemptionEndTheSliceAtOnce() {
        DeterministicPolicy p = new DeterministicPolicy();
        assertEquals(T1, p.choose(point(ALL, null, TurnEnd.NONE, 0)));
        assertEquals(T2, p.choose(point(ALL, T1, TurnEnd.YIELDED, 1)));
        assertEquals(T3, p.choose(point(ALL, T2, TurnEnd.PREEMPTED, 2)));
        assertEquals(T1, p.choose(point(List.of(T1, T2), T3, TurnEnd.BLOCKED, 3)));
        assertEquals(T1, p.choose(point(List.of(T1), T1, TurnEnd.YIELDED, 4)), "alone, a yielder goes on");
        assertEquals(T3, p.choose(point(List.of(T3), T1, TurnEnd.EXITED, 5)));
        assertThrows(IllegalArgumentException.class, () -> new DeterministicPolicy(0));
    }

    @Test
    void pctRunsTheHighestPriorityUntilItBlocks() {
        PctPolicy p = new PctPolicy(42, 1, 10);
        ThreadId first = p.choose(point(ALL, null, TurnEnd.NONE, 0));
        for (int turn = 1; turn < 20; turn++) assertEquals(first, p.choose(point(ALL, first, TurnEnd.STOPPED, turn)));
        List<ThreadId> rest = ALL.stream().filter(t -> !t.equals(first)).toList();
        ThreadId second = p.choose(point(rest, first, TurnEnd.BLOCKED, 20));
        assertTrue(rest.contains(second));
        assertEquals(first, p.choose(point(ALL, second, TurnEnd.STOPPED, 21)), "woken again, the top thread preempts");
    }

    @Test
    void aChangePointDropsTheRunningThreadBelowTheOthers() {
        PctPolicy p = new PctPolicy(7, 2, 5);
        long change = p.changePoints()[0];
        ThreadId top = p.choose(point(ALL, null, TurnEnd.NONE, 0));
        for (long turn = 1; turn < change; turn++) assertEquals(top, p.choose(point(ALL, top, TurnEnd.STOPPED, turn)));
        assertNotEquals(top, p.choose(point(ALL, top, TurnEnd.STOPPED, change)));
    }

    @Test
    void aYielderDropsToTheBottom() {
        PctPolicy p = new PctPolicy(3, 3, 10_000);
        ThreadId top = p.choose(point(ALL, null, TurnEnd.NONE, 0));
        ThreadId next = p.choose(point(ALL, top, TurnEnd.YIELDED, 1));
        assertNotEquals(top, next);
        ThreadId third = p.choose(point(ALL, next, TurnEnd.YIELDED, 2));
        assertNotEquals(top, third, "the earlier yielder is still lowest");
        assertNotEquals(next, third);
    }

    @Test
    void theSameSeedGivesTheSameChoicesAndChangePoints() {
        for (long seed = 0; seed < 20; seed++) {
            PctPolicy a = new PctPolicy(seed, 3, 10_000), b = new PctPolicy(seed, 3, 10_000);
            assertArrayEquals(a.changePoints(), b.changePoints());
            ThreadId pa = null, pb = null;
            for (int turn = 0; turn < 50; turn++) {
                List<ThreadId> runnable = turn % 3 == 0 ? List.of(T1, T3) : ALL;
                pa = a.choose(point(runnable, pa, TurnEnd.STOPPED, turn));
                pb = b.choose(point(runnable, pb, TurnEnd.STOPPED, turn));
                assertEquals(pa, pb);
            }
        }
        assertEquals("pct:3:10000", new PctPolicy(5, 3, 10_000).describe());
        assertEquals("deterministic(slice=8)", new DeterministicPolicy().describe());
    }

    @Test
    void aThreadStarvedForTheStarvationLimitIsRaisedToTheTop() {
        PctPolicy p = new PctPolicy(11, 1, 10);
        ThreadId top = p.choose(point(ALL, null, TurnEnd.NONE, 0));
        long turn = 1;
        for (; turn < Aging.STARVATION_TURNS; turn++) assertEquals(top, p.choose(point(ALL, top, TurnEnd.STOPPED, turn)));
        ThreadId raised = p.choose(point(ALL, top, TurnEnd.STOPPED, turn));
        ThreadId alsoStarved = p.choose(point(ALL, raised, TurnEnd.STOPPED, turn + 1));
        assertEquals(java.util.Set.of(raised, alsoStarved, top), java.util.Set.copyOf(ALL), "both starved threads ran");
        assertEquals(alsoStarved, p.choose(point(ALL, alsoStarved, TurnEnd.STOPPED, turn + 2)), "the last raised stays on top");
    }
}
