package dev.detsim.cli;

import static dev.detsim.cli.Programs.assertSameAsNative;
import static dev.detsim.cli.Programs.guest;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** C guest programs behave under detsim exactly as they do natively: same bytes out, same status. */
class GuestTransparencyTest {
    @ParameterizedTest
    @ValueSource(ints = {0, 1, 42, 255})
    void exitCodes(int code) {
        var r = assertSameAsNative(List.of(guest("exit_code").toString(), Integer.toString(code)), null);
        assertEquals(code, r.status());
    }

    @ParameterizedTest
    @ValueSource(strings = {"15", "9", "6", "11", "segv-real", "2", "1"})
    void deathBySignal(String signal) {
        var cmd = List.of(guest("die_by_signal").toString(), signal);
        var nat = Programs.nativeRun(cmd, null);
        var det = Programs.detsimRun(cmd, null);
        assertTrue(nat.status() > 128, "natively killed by a signal");
        assertEquals(nat.status(), det.status(), "128 + signal, as a shell reports it");
        assertEquals(nat.out(), det.out());
        int sig = nat.status() - 128;
        assertTrue(det.err().contains("killed by signal " + dev.detsim.abi.Signals.name(sig)),
                "one line naming the signal: " + det.err());
        assertEquals(1, det.err().lines().filter(l -> l.startsWith("detsim:")).count(), det.err());
    }

    @Test
    void threads() {
        assertSameAsNative(List.of(guest("pthreads").toString(), "16", "20000"), null);
    }

    @Test
    void forkExecChain() {
        var r = assertSameAsNative(List.of(guest("fork_exec_chain").toString(), "6"), null);
        assertEquals(6, r.status());
    }

    @Test
    void signalsAndHandlers() {
        assertSameAsNative(List.of(guest("signals").toString()), null);
    }

    @Test
    void twoHundredChildren() {
        var r = assertSameAsNative(List.of(guest("fork_many").toString(), "200"), null);
        assertEquals("200 children, status sum 19900\n", r.out());
    }

    @Test
    void execFromANonLeaderThread() {
        assertSameAsNative(List.of(guest("threads_exec").toString()), null);
    }

    @Test
    void vforkThenExec() {
        assertSameAsNative(List.of(guest("vfork_exec").toString()), null);
    }

    @Test
    void twelveMegabytesThroughStdinAndStdout() {
        byte[] input = new byte[12 << 20];
        new Random(7).nextBytes(input);
        var r = assertSameAsNative(List.of(guest("copy_stdio").toString()), input);
        assertEquals(input.length, r.stdout().length);
    }

    @Test
    void bigOutput() {
        var r = assertSameAsNative(List.of(guest("big_output").toString(), "16"), null);
        assertEquals(16 << 20, r.stdout().length);
    }
}
