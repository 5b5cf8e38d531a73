package dev.detsim.cli;

import static dev.detsim.cli.Programs.detsimRun;
import static dev.detsim.cli.Programs.guest;
import static dev.detsim.cli.Programs.statsField;
import static dev.detsim.cli.Programs.verify;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Deterministic preemption by a tick counter (TickCounters). This machine has no retired-branch counters, so
 * the counter here is the other kind detsim offers: hits of one instruction, a uprobe perf event, which goes
 * through the same path (overflow signal to the thread, single steps to the exact tick, preemption there). The
 * instruction is the one the watchdog's warning names, as a user would take it.
 */
class TickPreemptionTest {
    @TempDir
    static Path dir;

    /** "probe:FILE:0xOFFSET" inside spin_flag's loop, from the watchdog's warning. */
    private static String probe;
    private static String firstWatchdogSpins;

    @BeforeAll
    static void findTheSpinningInstruction() throws Exception {
        Path stats = dir.resolve("watchdog.json");
        var r = detsimRun(List.of("--preempt-by=watchdog", "--stats=" + stats), List.of(guest("spin_flag").toString(), "count"), null);
        assertEquals(0, r.status(), r.err());
        firstWatchdogSpins = r.out();
        Matcher m = Pattern.compile("--preempt-by (probe:\\S+spin_flag:0x[0-9a-f]+) counts that instruction").matcher(r.err());
        assertTrue(m.find(), "the warning names no instruction: " + r.err());
        probe = m.group(1);
        assertTrue(Files.readString(stats).contains("\"watchdogSite\":\"" + probe.substring("probe:".length()) + "\""),
                Files.readString(stats));
    }

    @Test
    void aProbeOnTheSpinningInstructionPreemptsAtTheSameSpinEveryRun() throws Exception {
        // The watchdog preempts wherever 100 ms of host time end: another spin count every run.
        var again = detsimRun(List.of("--preempt-by=watchdog"), List.of(guest("spin_flag").toString(), "count"), null);
        assertEquals(0, again.status(), again.err());
        assertNotEquals(firstWatchdogSpins, again.out(), "two watchdog preemptions landed on the same spin");

        Path stats = dir.resolve("probe.json");
        String first = null;
        for (int i = 0; i < 3; i++) {
            var r = detsimRun(List.of("--preempt-by=" + probe, "--stats=" + stats), List.of(guest("spin_flag").toString(), "count"), null);
            assertEquals(0, r.status(), r.err());
            assertFalse(r.err().contains("not deterministic"), r.err());
            assertTrue(r.out().matches("flag seen after \\d+ spins\n"), r.out());
            if (first == null) first = r.out();
            assertEquals(first, r.out(), "run " + (i + 1) + " preempted at another spin");
            String json = Files.readString(stats);
            assertEquals(1, statsField(json, "deterministicPreemptions"), json);
            assertEquals(0, statsField(json, "nondeterministicPreemptions"), json);
            assertTrue(json.contains("\"preemption\":\"deterministic preemption by hits of "), json);
        }
        // 1000 hits per slice: the spinner is preempted at its 1000th pass over the probed instruction.
        long spins = Long.parseLong(first.replaceAll("\\D", ""));
        assertTrue(spins >= 999 && spins <= 1001, first);

        var v = verify("--runs", "10", "--preempt-by=" + probe, "--", guest("spin_flag").toString(), "count");
        assertEquals(0, v.status(), v.err());

        // Processes a shell forks and execs get counters of their own, with the same boundaries.
        String twice = guest("spin_flag") + " count; " + guest("spin_flag") + " count";
        var r = detsimRun(List.of("--preempt-by=" + probe), List.of("bash", "-c", twice), null);
        assertEquals(0, r.status(), r.err());
        assertEquals(first + first, r.out());
        assertFalse(r.err().contains("not deterministic"), r.err());
    }

    @Test
    void goSysmonsPreemptionOfASpinningGoroutineRepeatsWithAProbe() throws Exception {
        // Go 1.19: a goroutine spins with no call; only sysmon's SIGURG (after 10 ms of its clock) lets main run.
        // Each tick preemption costs 1 ms of virtual time, so sysmon gets there after ~10 of them, every run.
        Path stats = dir.resolve("go-watchdog.json");
        var r = detsimRun(List.of("--preempt-by=watchdog", "--stats=" + stats), List.of(guest("goconc").toString(), "spin"), null);
        assertEquals(0, r.status(), r.err());
        Matcher m = Pattern.compile("\"watchdogSite\":\"([^\"]+)\"").matcher(Files.readString(stats));
        assertTrue(m.find(), Files.readString(stats));
        String goProbe = "--preempt-by=probe:" + m.group(1);

        var v = verify("--runs", "5", goProbe, "--", guest("goconc").toString(), "spin");
        assertEquals(0, v.status(), v.err());
        stats = dir.resolve("go-probe.json");
        r = detsimRun(List.of(goProbe, "--stats=" + stats), List.of(guest("goconc").toString(), "spin"), null);
        assertTrue(r.out().contains("spin: the main goroutine ran again while another spun"), r.out());
        assertFalse(r.err().contains("not deterministic"), r.err());
        assertTrue(statsField(Files.readString(stats), "deterministicPreemptions") >= 1, Files.readString(stats));
    }

    @Test
    void aProbeOnAFiveByteNopInGoCodeStillLetsSysmonPreempt() throws Exception {
        // Linux 6.18 turns a uprobe on a 5-byte nop into a call to its [uprobes-trampoline] page. A boundary
        // reached there must not preempt there: Go's SIGURG handler will not preempt a thread whose PC is not
        // Go code, so the goroutine spun on forever (found in CI). detsim steps back into the program first.
        var dis = Programs.nativeRun(List.of("objdump", "-d", "--disassemble=main.spin.func1", guest("goconc").toString()), null);
        assertEquals(0, dis.status(), dis.err());
        Matcher nop = Pattern.compile("(?m)^\\s*([0-9a-f]+):\\s+0f 1f 44 00 00\\s").matcher(dis.out());
        assertTrue(nop.find(), "no 5-byte nop in main.spin.func1:\n" + dis.out());
        long offset = Long.parseLong(nop.group(1), 16) - 0x400000; // Go's text: file offset = address - 0x400000
        String goProbe = "--preempt-by=probe:" + guest("goconc") + ":0x" + Long.toHexString(offset);
        var v = verify("--runs", "3", goProbe, "--", guest("goconc").toString(), "spin");
        assertEquals(0, v.status(), v.err());
        assertFalse(v.err().contains("not deterministic"), v.err());
    }

    @Test
    void withNobodyElseToRunTheCounterAimsAtTheNextBoundaryThroughSyscalls() throws Exception {
        // One thread, 20 boundaries' worth of spins, a syscall every 999 spins (so one lands while detsim
        // single-steps toward a boundary): it runs to the end and nothing is preempted.
        Path stats = dir.resolve("alone.json");
        var r = detsimRun(List.of("--preempt-by=" + probe, "--stats=" + stats), List.of(guest("spin_flag").toString(), "alone", "20000"), null);
        assertEquals(0, r.status(), r.err());
        assertEquals("spun 20000\n", r.out());
        String json = Files.readString(stats);
        assertEquals(0, statsField(json, "deterministicPreemptions"), json);
        assertEquals(0, statsField(json, "nondeterministicPreemptions"), json);
    }

    @Test
    void theProgramsOwnSigstkfltIsDeliveredNotTakenForACounterNotice() {
        var r = detsimRun(List.of("--preempt-by=" + probe), List.of("bash", "-c", "kill -STKFLT $$"), null);
        assertEquals(128 + 16, r.status(), r.err());
        assertTrue(r.err().contains("killed by signal SIGSTKFLT"), r.err());
    }

    @Test
    void aBadChoiceIsOneClearLine() {
        var r = detsimRun(List.of("--preempt-by=sometimes"), List.of("true"), null);
        assertEquals(2, r.status());
        assertTrue(r.err().startsWith("detsim: --preempt-by: expected auto, branches, watchdog or probe:FILE:OFFSET, not 'sometimes'"), r.err());

        r = detsimRun(List.of("--preempt-by=probe:/no/such/file:0x10"), List.of("true"), null);
        assertEquals(2, r.status());
        assertTrue(r.err().startsWith("detsim: --preempt-by probe: no such file: /no/such/file"), r.err());

        r = detsimRun(List.of("--preempt-by=probe:" + guest("spin_flag") + ":12x"), List.of("true"), null);
        assertEquals(2, r.status());
        assertTrue(r.err().startsWith("detsim: --preempt-by probe: '12x' is not an offset"), r.err());

        r = detsimRun(List.of("--preempt-by=probe:" + guest("spin_flag") + ":0x7fffffff"), List.of("true"), null);
        assertEquals(2, r.status());
        assertTrue(r.err().startsWith("detsim: --preempt-by probe: cannot probe "), r.err());
        assertFalse(r.err().contains("Exception"), r.err());
    }

    @Test
    void branchesAreRefusedWhereTheMachineHasNone() {
        String natively = Programs.nativeRun(List.of(guest("branch_counters").toString()), null).out().trim();
        var r = detsimRun(List.of("--preempt-by=branches"), List.of("true"), null);
        if (natively.equals("present")) {
            assertEquals(0, r.status(), r.err());
        } else {
            assertEquals(2, r.status());
            assertTrue(r.err().startsWith("detsim: --preempt-by branches: this machine has no usable retired-branch counter"), r.err());
        }
    }

}
