package dev.detsim.feasibility;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class BenchOutputTest {
    @Test
    void metadataSamplesAndMessages() {
        BenchOutput o = BenchOutput.parse("""
                # bench=pingpong-cross
                # clock=CLOCK_MONOTONIC_RAW
                # batch=10
                7488
                7512

                9001
                detsim: digest 5f46cca59a0a99380b057f820edf85b22abc5a8f0444aaa865cef3fb730388f4 (47 events)
                """);
        assertEquals("pingpong-cross", o.meta().get("bench"));
        assertEquals("10", o.meta().get("batch"));
        assertArrayEquals(new long[] {7488, 7512, 9001}, o.samples());
        assertEquals(List.of("detsim: digest 5f46cca59a0a99380b057f820edf85b22abc5a8f0444aaa865cef3fb730388f4 (47 events)"),
                o.messages());
        assertEquals("5f46cca59a0a99380b057f820edf85b22abc5a8f0444aaa865cef3fb730388f4",
                Runs.digest(String.join("\n", o.messages())));
    }

    @Test
    void aFailingBenchmarkHasNoSamples() {
        BenchOutput o = BenchOutput.parse("# bench=sqlite-select\nbenchmark: database is locked\n-5\n");
        assertEquals(0, o.samples().length);
        assertEquals(List.of("benchmark: database is locked", "-5"), o.messages());
        assertEquals("benchmark: database is locked | -5", Runs.lastLines("# bench=sqlite-select\nbenchmark: database is"
                + " locked\n-5\n").substring("# bench=sqlite-select | ".length()));
    }

    @Test
    void endingsFromExitStatus() {
        assertEquals(Side.Ending.CRASHED, Runs.endingOf(139));
        assertEquals(Side.Ending.CRASHED, Runs.endingOf(143));
        assertEquals(Side.Ending.FAILED, Runs.endingOf(2));
        assertEquals(Side.Ending.FAILED, Runs.endingOf(128));
    }
}
