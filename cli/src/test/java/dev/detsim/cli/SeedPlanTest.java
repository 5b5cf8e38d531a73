package dev.detsim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class SeedPlanTest {
    @Test
    void shardsCoverTheRangeOnceWithNothingShared() {
        for (int n : new int[] {1, 3, 4, 7, 20}) {
            List<Long> all = new ArrayList<>();
            long counted = 0;
            for (int i = 0; i < n; i++) {
                SeedPlan p = SeedPlan.of("5..17", i + "/" + n, null, Map.of());
                p.seeds().forEach(all::add);
                counted += p.count();
                assertEquals(p.count(), p.seeds().count());
            }
            assertEquals(13, all.size(), "shards of " + n);
            assertEquals(13, counted);
            assertEquals(new TreeSet<>(all), new TreeSet<>(SeedPlan.of("5..17", null, null, Map.of()).seeds().boxed().toList()));
        }
    }

    @Test
    void theShardComesFromKubernetesOrSlurmWithShards() {
        assertEquals(2, SeedPlan.of("1..100", null, 4, Map.of("JOB_COMPLETION_INDEX", "2")).shard());
        SeedPlan slurm = SeedPlan.of("1..100", null, 4, Map.of("SLURM_ARRAY_TASK_ID", "3"));
        assertEquals(3, slurm.shard());
        assertEquals("SLURM_ARRAY_TASK_ID", slurm.shardFrom());
        assertEquals(List.of(4L, 8L), slurm.seeds().limit(2).boxed().toList());
        assertEquals(1, SeedPlan.of("1..100", null, null, Map.of("JOB_COMPLETION_INDEX", "2")).shards(),
                "without --shards the variable is not a shard: a job may set it for something else");
    }

    @Test
    void badPlansAreSaidInWords() {
        for (String[] bad : new String[][] {{"10..1", null}, {"1-10", null}, {"a..3", null}, {"1..10", "4/4"},
            {"1..10", "2"}, {"1..10", "-1/3"}}) {
            var e = assertThrows(IllegalArgumentException.class, () -> SeedPlan.of(bad[0], bad[1], null, Map.of()));
            assertTrue(e.getMessage().startsWith("--s"), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> SeedPlan.of("1..10", null, 4, Map.of()));
        assertThrows(IllegalArgumentException.class, () -> SeedPlan.of("1..10", "1/3", 4, Map.of()));
    }

    @Test
    void spotChecksDependOnTheSeedAloneAndComeAtTheirRate() {
        int checked = 0;
        for (long seed = 0; seed < 10_000; seed++) if (SeedSearch.spotChecked(seed, 0.05)) checked++;
        assertTrue(checked > 400 && checked < 600, checked + " of 10000 at 5%");
        assertEquals(SeedSearch.spotChecked(1234, 0.05), SeedSearch.spotChecked(1234, 0.05));
        assertTrue(SeedSearch.spotChecked(7, 1.0));
        assertTrue(!SeedSearch.spotChecked(7, 0.0));
    }

    @Test
    void theFailureRateIntervalIsWilsons() {
        double[] none = SearchTally.interval95(0, 10);
        assertEquals(0, none[0], 1e-9);
        assertEquals(277.5, none[1], 0.1);
        double[] half = SearchTally.interval95(50, 100);
        assertEquals(403.8, half[0], 0.1);
        assertEquals(596.2, half[1], 0.1);
    }

    @Test
    void failOnNamesWhatFired() {
        FailOn f = FailOn.parse(List.of("signal", "regex:^[0-7]..$"));
        Attempt lost = new Attempt(1, "first", 0, null, null, false, "797\n", "", null, "-", null, null, null, false);
        assertEquals("regex:^[0-7]..$", f.failedBy(lost));
        Attempt segv = new Attempt(1, "first", 139, "SIGSEGV", null, false, "800\n", "", null, "-", null, null, null, false);
        assertEquals("signal", f.failedBy(segv));
        assertEquals("exit", FailOn.parse(List.of()).failedBy(segv));
        assertEquals("", FailOn.parse(List.of()).failedBy(lost));
        assertThrows(IllegalArgumentException.class, () -> FailOn.parse(List.of("crash")));
        assertThrows(IllegalArgumentException.class, () -> FailOn.parse(List.of("regex:(")));
    }
}
