package dev.detsim.scheduler;

import static dev.detsim.scheduler.SchedulingPolicyTest.ALL;
import static dev.detsim.scheduler.SchedulingPolicyTest.T1;
import static dev.detsim.scheduler.SchedulingPolicyTest.T2;
import static dev.detsim.scheduler.SchedulingPolicyTest.T3;
import static dev.detsim.scheduler.SchedulingPolicyTest.point;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** The swarm draw, the spec syntax, and each chaos kind's own behaviour, driven by hand-made points. */
class ChaosPoliciesTest {
    /** Every kind, as a factory of seed to policy, with parameters that make its behaviour visible. */
    static final List<Function<Long, SchedulingPolicy>> KINDS = List.of(seed -> new PctPolicy(seed, 4, 300),
            UniformPolicy::new, seed -> new RandomSlicePolicy(seed, 5), seed -> new StickyPolicy(seed, 6),
            ChaosSpec.SWARM::policy);

    /** The choices over 400 points with a changing runnable set and every kind of turn end. */
    static List<ThreadId> choices(SchedulingPolicy p) {
        List<ThreadId> chosen = new ArrayList<>();
        ThreadId previous = null;
        TurnEnd[] ends = {TurnEnd.STOPPED, TurnEnd.STOPPED, TurnEnd.STOPPED, TurnEnd.YIELDED, TurnEnd.STOPPED, TurnEnd.BLOCKED};
        for (int turn = 0; turn < 400; turn++) {
            TurnEnd how = previous == null ? TurnEnd.NONE : ends[turn % ends.length];
            List<ThreadId> runnable = how == TurnEnd.BLOCKED ? ALL.stream().filter(t -> !t.equals(chosen.getLast())).toList() : ALL;
            previous = p.choose(point(runnable, previous, how, turn));
            assertTrue(runnable.contains(previous), p.describe() + " chose a thread that cannot run");
            chosen.add(previous);
        }
        return chosen;
    }

    static ChaosKind kindOf(SchedulingPolicy p) {
        return ChaosSpec.parse(p.describe()).kind();
    }

    @Test
    void eachSeedDrawsAKindAndEveryKindGetsAFairShare() {
        Map<ChaosKind, Integer> drawn = new EnumMap<>(ChaosKind.class);
        for (long seed = 0; seed < 1_000; seed++) drawn.merge(kindOf(ChaosSpec.SWARM.policy(seed)), 1, Integer::sum);
        for (ChaosKind k : ChaosKind.values()) {
            int n = drawn.getOrDefault(k, 0);
            assertTrue(n > 180 && n < 320, k + " drawn " + n + " times in 1000 seeds: " + drawn);
        }
    }

    @Test
    void drawnParametersVaryAndStayInTheirRanges() {
        Set<String> pct = new HashSet<>(), rr = new HashSet<>(), sticky = new HashSet<>();
        for (long seed = 0; seed < 2_000; seed++) {
            ChaosSpec s = ChaosSpec.parse(ChaosSpec.SWARM.policy(seed).describe());
            switch (s.kind()) {
                case PCT -> {
                    assertTrue(s.pinned().get(0) >= 2 && s.pinned().get(0) <= 10, s.toString());
                    assertTrue(s.pinned().get(1) >= 128 && s.pinned().get(1) <= 65_536, s.toString());
                    pct.add(s.toString());
                }
                case SLICES -> rr.add(s.toString());
                case STICKY -> sticky.add(s.toString());
                case RANDOM -> assertEquals(List.of(), s.pinned());
            }
        }
        assertTrue(pct.size() > 50, "few PCT variants: " + pct.size());
        assertEquals(7, rr.size(), "max slices 1..64, powers of two: " + rr);
        assertEquals(7, sticky.size(), "mean runs 2..128, powers of two: " + sticky);
    }

    @Test
    void theSameSeedGivesTheSameChoicesAndOtherSeedsOtherOnes() {
        for (Function<Long, SchedulingPolicy> kind : KINDS) {
            Set<List<ThreadId>> schedules = new HashSet<>();
            for (long seed = 0; seed < 10; seed++) {
                List<ThreadId> once = choices(kind.apply(seed));
                assertEquals(once, choices(kind.apply(seed)), kind.apply(seed).describe() + " seed " + seed);
                schedules.add(once);
            }
            assertTrue(schedules.size() >= 8, kind.apply(0L).describe() + ": 10 seeds, " + schedules.size() + " schedules");
        }
    }

    @Test
    void theDescribedSpecWithTheSameSeedRepeatsTheDrawnPolicy() {
        for (long seed = 0; seed < 40; seed++) {
            SchedulingPolicy drawn = ChaosSpec.SWARM.policy(seed);
            SchedulingPolicy pinned = ChaosSpec.parse(drawn.describe()).policy(seed);
            assertEquals(drawn.describe(), pinned.describe());
            assertEquals(choices(drawn), choices(pinned), drawn.describe() + " seed " + seed);
        }
        assertEquals("pct:3:10000", ChaosSpec.parse("pct:3:10000").policy(1).describe(), "the old --chaos");
    }

    @Test
    void specsPinLeadingParametersAndDrawTheRest() {
        assertEquals(ChaosSpec.SWARM, ChaosSpec.parse("swarm"));
        for (long seed = 0; seed < 20; seed++) {
            assertTrue(ChaosSpec.parse("pct:7").policy(seed).describe().startsWith("pct:7:"));
            assertTrue(ChaosSpec.parse("pct").policy(seed).describe().startsWith("pct:"));
            assertEquals("rr:3", ChaosSpec.parse("rr:3").policy(seed).describe());
            assertEquals("sticky:9", ChaosSpec.parse("sticky:9").policy(seed).describe());
            assertEquals("random", ChaosSpec.parse("random").policy(seed).describe());
        }
        for (String bad : List.of("", "pcts", "swarm:1", "pct:0", "pct:3:1:2", "pct:4:2", "random:1", "rr:0", "rr:x",
                "sticky:-1", "rr:99999999999")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ChaosSpec.parse(bad), bad);
            assertTrue(!e.getMessage().isBlank());
        }
    }

    @Test
    void uniformChoosesEveryRunnableThreadAboutEquallyAndPassesOverAYielder() {
        UniformPolicy p = new UniformPolicy(3);
        Map<ThreadId, Integer> count = new HashMap<>();
        ThreadId previous = null;
        for (int turn = 0; turn < 3_000; turn++) {
            previous = p.choose(point(ALL, previous, previous == null ? TurnEnd.NONE : TurnEnd.STOPPED, turn));
            count.merge(previous, 1, Integer::sum);
        }
        for (ThreadId t : ALL) assertTrue(count.get(t) > 850 && count.get(t) < 1150, count.toString());
        for (int turn = 3_000; turn < 3_100; turn++) {
            assertNotEquals(T2, p.choose(point(ALL, T2, TurnEnd.YIELDED, turn)));
            assertNotEquals(T3, p.choose(point(ALL, T3, TurnEnd.PREEMPTED, turn)));
        }
        assertEquals(T1, p.choose(point(List.of(T1), T1, TurnEnd.YIELDED, 3_100)), "alone, a yielder goes on");
    }

    @Test
    void stickyRunsLastTheirMeanLengthOnAverage() {
        StickyPolicy p = new StickyPolicy(5, 8);
        ThreadId previous = null;
        int runs = 0, turns = 20_000;
        for (int turn = 0; turn < turns; turn++) {
            ThreadId next = p.choose(point(ALL, previous, previous == null ? TurnEnd.NONE : TurnEnd.STOPPED, turn));
            if (!next.equals(previous)) runs++;
            previous = next;
        }
        double mean = (double) turns / runs;
        assertTrue(mean > 7 && mean < 9, "mean run " + mean + " turns, asked for 8");
        assertNotEquals(T1, p.choose(point(ALL, T1, TurnEnd.YIELDED, turns)));
    }

    @Test
    void randomSlicesGoRoundInIdOrderWithSlicesOfOneToMaxTurns() {
        RandomSlicePolicy p = new RandomSlicePolicy(9, 4);
        List<ThreadId> order = new ArrayList<>();
        Set<Integer> lengths = new HashSet<>();
        ThreadId previous = null;
        int length = 0;
        for (int turn = 0; turn < 2_000; turn++) {
            ThreadId next = p.choose(point(ALL, previous, previous == null ? TurnEnd.NONE : TurnEnd.STOPPED, turn));
            if (!next.equals(previous)) {
                if (previous != null) lengths.add(length);
                order.add(next);
                length = 0;
            }
            length++;
            previous = next;
        }
        assertEquals(Set.of(1, 2, 3, 4), lengths, "every slice length 1..4 turns, no other");
        for (int i = 0; i < order.size(); i++) assertEquals(ALL.get(i % 3), order.get(i), "round-robin by id");
        ThreadId yielder = previous;
        assertEquals(ALL.get((ALL.indexOf(yielder) + 1) % 3), p.choose(point(ALL, yielder, TurnEnd.YIELDED, 2_000)),
                "a yield ends the slice");
    }

    @Test
    void noKindLeavesARunnableThreadWaitingBeyondTheStarvationLimit() {
        List<SchedulingPolicy> greedy = List.of(new PctPolicy(1, 1, 10), new StickyPolicy(1, Integer.MAX_VALUE),
                new RandomSlicePolicy(1, Integer.MAX_VALUE), new UniformPolicy(1));
        for (SchedulingPolicy p : greedy) {
            Map<ThreadId, Long> lastRan = new HashMap<>();
            ThreadId previous = null;
            for (long turn = 0; turn < 5 * Aging.STARVATION_TURNS; turn++) {
                previous = p.choose(point(ALL, previous, previous == null ? TurnEnd.NONE : TurnEnd.STOPPED, turn));
                lastRan.put(previous, turn);
                for (ThreadId t : ALL) {
                    long waited = turn - lastRan.getOrDefault(t, 0L);
                    assertTrue(waited <= Aging.STARVATION_TURNS + ALL.size(), p.describe() + ": " + t + " waited " + waited);
                }
            }
        }
    }
}
