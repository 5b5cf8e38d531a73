package dev.detsim.cli;

import static dev.detsim.cli.Programs.assertSameAsNative;
import static dev.detsim.cli.Programs.guest;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Guests that probe where detsim answers or reorders a call itself (edge arguments, waits it parks) end
 * exactly as they do natively: same status, stdout and stderr.
 */
class EdgeCaseTransparencyTest {
    @Test
    void getrandomArgumentEdges() {
        assertSameAsNative(List.of(guest("getrandom_edges").toString()), null);
    }
}
