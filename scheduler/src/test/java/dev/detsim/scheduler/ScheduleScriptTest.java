package dev.detsim.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A schedule as its list of switches: written down from any policy, followed back, shortened. */
class ScheduleScriptTest {
    @Test
    void followingTheRecordedSwitchesRepeatsEveryChaosSchedule() {
        int switchesSeen = 0;
        for (long seed = 0; seed < 60; seed++) {
            SwitchRecorder recorder = new SwitchRecorder(ChaosSpec.SWARM.policy(seed));
            Simulation.Result original = RandomWorkloadTest.workload(seed, recorder).run(100_000);
            assertTrue(original.finished());
            ScheduleScript script = recorder.script();
            switchesSeen += script.switches().size();
            ScheduleScript reread = ScheduleScript.parse(script.toString());
            assertEquals(script, reread);
            Simulation.Result followed = RandomWorkloadTest.workload(seed, new ScriptedPolicy(reread)).run(100_000);
            assertEquals(original.decisions(), followed.decisions(), recorder.describe() + " seed " + seed);
            assertEquals(original.log(), followed.log());
        }
        assertTrue(switchesSeen > 100, "the recorded schedules hardly switched: " + switchesSeen);
    }

    @Test
    void anEmptyOrShortenedScriptStillRunsEveryWorkloadToTheEnd() {
        for (long seed = 0; seed < 40; seed++) {
            SwitchRecorder recorder = new SwitchRecorder(new UniformPolicy(seed));
            RandomWorkloadTest.workload(seed, recorder).run(100_000);
            List<ScheduleScript.Switch> half = new ArrayList<>();
            List<ScheduleScript.Switch> all = recorder.script().switches();
            for (int i = 0; i < all.size(); i += 2) half.add(all.get(i));
            for (ScheduleScript script : List.of(new ScheduleScript(List.of()), new ScheduleScript(half))) {
                Simulation sim = RandomWorkloadTest.workload(seed, new ScriptedPolicy(script));
                assertTrue(sim.run(100_000).finished(), "seed " + seed + " with " + script.switches().size() + " switches");
            }
        }
    }

    @Test
    void withoutSwitchesTheRunningThreadKeepsGoingUntilItStopsThenTheNextById() {
        ScriptedPolicy p = new ScriptedPolicy(ScheduleScript.parse("2:3"));
        List<ThreadId> all = SchedulingPolicyTest.ALL;
        assertEquals(SchedulingPolicyTest.T1, p.choose(SchedulingPolicyTest.point(all, null, TurnEnd.NONE, 0)));
        assertEquals(SchedulingPolicyTest.T1, p.choose(SchedulingPolicyTest.point(all, SchedulingPolicyTest.T1, TurnEnd.STOPPED, 1)));
        assertEquals(SchedulingPolicyTest.T3, p.choose(SchedulingPolicyTest.point(all, SchedulingPolicyTest.T1, TurnEnd.STOPPED, 2)), "the switch");
        assertEquals(SchedulingPolicyTest.T3, p.choose(SchedulingPolicyTest.point(all, SchedulingPolicyTest.T3, TurnEnd.STOPPED, 3)));
        assertEquals(SchedulingPolicyTest.T1, p.choose(SchedulingPolicyTest.point(all, SchedulingPolicyTest.T3, TurnEnd.YIELDED, 4)),
                "a yield gives way to the next by id, wrapping");
    }

    @Test
    void theTextFormIsCheckedAndRoundTrips() {
        assertEquals("12:3,40:1", ScheduleScript.parse(" 12:3, 40:1 ").toString());
        assertEquals(List.of(), ScheduleScript.parse("").switches());
        for (String bad : List.of("1", "1:0", "a:2", "-1:2", "5:2,5:3", "5:2,4:3", "1:2:3")) {
            assertThrows(IllegalArgumentException.class, () -> ScheduleScript.parse(bad), bad);
        }
    }
}
