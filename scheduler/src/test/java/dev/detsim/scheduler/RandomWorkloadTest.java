package dev.detsim.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Property-style: random but deadlock-free workloads, generated from fixed seeds, must always finish with
 * the invariants {@link Simulation} checks after every decision holding (exactly one RUNNING thread after a
 * Run, only timed-out threads runnable after a clock jump, the clock never going back) and no lost wake-up
 * (every thread that blocked was told why it woke before it exited).
 */
class RandomWorkloadTest {
    static final long MUTEX = 0x100, SEM = 0x200, OTHER_SEM = 0x300, IDLE = 0x400;
    static final int PIPE = 3;

    /** Producers only post and write, consumers only take and read, so no wait cycle can form. */
    static Simulation workload(long seed, SchedulingPolicy policy) {
        SplitMix64 r = new SplitMix64(seed);
        int producers = 1 + r.nextInt(2), consumers = 1 + r.nextInt(3);
        List<List<Step>> programs = new ArrayList<>();
        List<Step> tokens = new ArrayList<>();
        for (int p = 0; p < producers; p++) {
            List<Step> program = new ArrayList<>();
            for (int i = 0, n = 2 + r.nextInt(6); i < n; i++) {
                Step produce = switch (r.nextInt(3)) {
                    case 0 -> new Step.Post(SEM);
                    case 1 -> new Step.Post(OTHER_SEM);
                    default -> new Step.WritePipe(PIPE);
                };
                program.add(produce);
                tokens.add(switch (produce) {
                    case Step.Post(long a) -> r.nextInt(2) == 0 ? new Step.Take(a) : new Step.Take(a, 500 + r.nextInt(5_000));
                    default -> new Step.ReadPipe(PIPE);
                });
                filler(r, program);
            }
            programs.add(program);
        }
        for (int c = 0; c < consumers; c++) programs.add(new ArrayList<>());
        for (Step take : tokens) {
            List<Step> program = programs.get(producers + r.nextInt(consumers));
            program.add(take);
            filler(r, program);
        }
        Simulation sim = new Simulation(policy);
        // Rotate creation order so producers are not always the lowest ids.
        for (int i = 0; i < programs.size(); i++) sim.thread(programs.get((int) ((i + seed) % programs.size())));
        return sim;
    }

    private static void filler(SplitMix64 r, List<Step> program) {
        for (int i = 0, n = r.nextInt(3); i < n; i++) {
            switch (r.nextInt(6)) {
                case 0 -> { program.add(Step.lock(MUTEX)); program.add(Step.syscall()); program.add(Step.unlock(MUTEX)); }
                case 1 -> program.add(Step.sleep(1 + r.nextInt(20_000)));
                case 2 -> program.add(Step.yieldTurn());
                case 3 -> program.add(new Step.TimedWait(IDLE, r.nextInt(3_000)));
                default -> program.add(Step.syscall());
            }
        }
    }

    @ParameterizedTest(name = "workloads from seed block {0}")
    @ValueSource(longs = {0, 1000, 2000, 3000, 4000})
    void randomWorkloadsFinishWithTheInvariantsHolding(long block) {
        for (long seed = block; seed < block + 40; seed++) {
            List<SchedulingPolicy> policies = List.of(new DeterministicPolicy(), new DeterministicPolicy(1),
                    new PctPolicy(seed, 3, 10_000), new PctPolicy(~seed, 5, 200), new UniformPolicy(seed),
                    new RandomSlicePolicy(seed, 16), new StickyPolicy(seed, 32), ChaosSpec.SWARM.policy(seed));
            for (SchedulingPolicy policy : policies) {
                Simulation sim = workload(seed, policy);
                Simulation.Result result;
                try {
                    result = sim.run(100_000);
                } catch (AssertionError e) {
                    throw new AssertionError("seed " + seed + " under " + policy.describe() + ": " + e.getMessage(), e);
                }
                long s = seed;
                assertTrue(result.finished(), () -> "seed " + s + " under " + policy.describe() + ": " + result.last());
                assertEquals(0, sim.word(SEM));
                assertEquals(0, sim.word(OTHER_SEM));
                assertEquals(0, sim.word(MUTEX));
                for (long value : sim.timedWaitResults) assertEquals(-110, value);
                assertEquals(0, sim.scheduler.nondeterministicPreemptions());
            }
            Simulation.Result a = workload(seed, new PctPolicy(seed, 3, 10_000)).run(100_000);
            Simulation.Result b = workload(seed, new PctPolicy(seed, 3, 10_000)).run(100_000);
            assertEquals(a.decisions(), b.decisions(), "replay of seed " + seed);
        }
    }
}
