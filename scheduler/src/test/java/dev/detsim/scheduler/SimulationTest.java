package dev.detsim.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/** Scripted programs run through the scheduler the way the tracer will run real ones. */
class SimulationTest {
    static final long MUTEX = 0x1000, ITEMS = 0x2000, COUNTER_LOCK = 0x3000, NEVER = 0x4000;

    /** Every policy the tests exercise: the default, other slices, 20 PCT seeds and 40 swarm seeds. */
    static Stream<Supplier<SchedulingPolicy>> policies() {
        Stream<Supplier<SchedulingPolicy>> fixed = Stream.of(DeterministicPolicy::new, () -> new DeterministicPolicy(1),
                () -> new DeterministicPolicy(3));
        Stream<Supplier<SchedulingPolicy>> pct = LongStream.range(0, 20).mapToObj(seed -> () -> new PctPolicy(seed, 3, 10_000));
        Stream<Supplier<SchedulingPolicy>> swarm = LongStream.range(0, 40).mapToObj(seed -> () -> ChaosSpec.SWARM.policy(seed));
        return Stream.concat(fixed, Stream.concat(pct, swarm));
    }

    /** One producer posts 10 items on a futex semaphore, two consumers take 5 each, printing as they go. */
    static Simulation producerConsumer(SchedulingPolicy policy) {
        List<Step> producer = new ArrayList<>(), consumer = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            producer.add(new Step.Post(ITEMS));
            if (i % 3 == 0) producer.add(Step.sleep(5_000));
        }
        for (int i = 0; i < 5; i++) {
            consumer.add(new Step.Take(ITEMS));
            consumer.add(Step.print("got"));
        }
        return new Simulation(policy).thread(consumer).thread(producer).thread(consumer);
    }

    @ParameterizedTest
    @MethodSource("policies")
    void producerConsumerRunsToCompletionUnderEveryPolicy(Supplier<SchedulingPolicy> policy) {
        Simulation sim = producerConsumer(policy.get());
        Simulation.Result result = sim.run(10_000);
        assertTrue(result.finished(), () -> "ended with " + result.last());
        assertEquals(10, result.log().size());
        assertEquals(0, sim.word(ITEMS));
    }

    @ParameterizedTest
    @MethodSource("policies")
    void replayingTheSameScriptGivesTheSameDecisions(Supplier<SchedulingPolicy> policy) {
        Simulation.Result first = contended(policy.get()).run(10_000);
        Simulation.Result second = contended(policy.get()).run(10_000);
        assertEquals(first.decisions(), second.decisions());
        assertEquals(first.endTime(), second.endTime());
        assertTrue(first.finished());
    }

    /** Three threads share a mutex, sleep, yield and time out on a futex nobody wakes. */
    static Simulation contended(SchedulingPolicy policy) {
        Simulation sim = new Simulation(policy);
        for (int t = 0; t < 3; t++) {
            List<Step> p = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                p.add(Step.lock(MUTEX));
                p.add(Step.syscall());
                p.add(Step.print("t" + t));
                p.add(Step.unlock(MUTEX));
                p.add(i % 2 == 0 ? Step.yieldTurn() : Step.sleep(2_000 * (t + 1)));
            }
            p.add(new Step.TimedWait(NEVER, 10_000));
            sim.thread(p);
        }
        return sim;
    }

    @Test
    void timedWaitsOnAFutexNobodyWakesReturnEtimedout() {
        Simulation sim = contended(new DeterministicPolicy());
        assertTrue(sim.run(10_000).finished());
        assertEquals(List.of(-110L, -110L, -110L), sim.timedWaitResults);
    }

    /** Three threads each print three tags: which order they come out in is the race. */
    static Simulation racy(SchedulingPolicy policy) {
        Simulation sim = new Simulation(policy);
        for (String name : List.of("a", "b", "c")) {
            sim.thread(Step.print(name + 1), Step.print(name + 2), Step.syscall(), Step.print(name + 3));
        }
        return sim;
    }

    @Test
    void aChaosSeedRepeatsItsScheduleAndFiftySeedsFindSeveral() {
        Set<List<String>> outputs = new HashSet<>();
        Set<List<Decision>> schedules = new HashSet<>();
        for (long seed = 0; seed < 50; seed++) {
            Simulation.Result once = racy(new PctPolicy(seed, 3, 10_000)).run(1_000);
            Simulation.Result again = racy(new PctPolicy(seed, 3, 10_000)).run(1_000);
            assertEquals(once.decisions(), again.decisions(), "seed " + seed);
            outputs.add(once.log());
            schedules.add(once.decisions());
        }
        assertTrue(schedules.size() >= 4, "only " + schedules.size() + " distinct schedules");
        assertTrue(outputs.size() >= 4, "only " + outputs.size() + " distinct outputs");
    }

    @Test
    void pctChangePointsInterleaveWithinThreadsNotOnlyBetweenThem() {
        Set<List<String>> outputs = new HashSet<>();
        for (long seed = 0; seed < 50; seed++) outputs.add(racy(new PctPolicy(seed, 3, 12)).run(1_000).log());
        assertTrue(outputs.size() > 6, "change points should give more than the 6 thread orders: " + outputs.size());
    }

    @Test
    void theDeterministicPolicyGivesOneScheduleWhateverTheSeedWouldBe() {
        assertEquals(racy(new DeterministicPolicy(1)).run(1_000).log(),
                List.of("a1", "b1", "c1", "a2", "b2", "c2", "a3", "b3", "c3"));
    }
}
