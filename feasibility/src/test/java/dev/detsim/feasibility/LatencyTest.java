package dev.detsim.feasibility;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class LatencyTest {
    @Test
    void percentilesOfOneToTenThousand() {
        Latency l = Latency.of(LongStream.rangeClosed(1, 10_000).toArray());
        assertEquals(10_000, l.count());
        assertEquals(1, l.min());
        assertEquals(10_000, l.max(), 10); // 3 significant digits
        assertEquals(5_000, l.p50(), 5);
        assertEquals(9_000, l.p90(), 9);
        assertEquals(9_900, l.p99(), 10);
        assertEquals(9_990, l.p999(), 10);
        assertEquals(5_000.5, l.mean(), 5);
        List<Double> pcts = l.curve().stream().map(Latency.Point::percentile).toList();
        assertEquals(List.of(0.0, 50.0, 75.0, 90.0, 95.0, 99.0, 99.5, 99.9, 99.95, 99.99, 100.0), pcts);
    }

    @Test
    void theCurveStopsWhereTheSampleCountDoesNotResolve() {
        Latency l = Latency.of(LongStream.rangeClosed(1, 300).toArray());
        List<Double> pcts = l.curve().stream().map(Latency.Point::percentile).toList();
        assertEquals(List.of(0.0, 50.0, 75.0, 90.0, 95.0, 99.0, 99.5, 100.0), pcts);
        assertTrue(l.curve().getLast().nanos() >= l.p99());
    }

    @Test
    void zeroIsASampleNegativeIsNot() {
        assertEquals(0, Latency.of(new long[] {0, 0, 0}).p50());
        assertThrows(IllegalArgumentException.class, () -> Latency.of(new long[] {5, -1}));
        assertThrows(IllegalArgumentException.class, () -> Latency.of(new long[0]));
    }
}
