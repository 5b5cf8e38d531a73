package dev.detsim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class AttemptTest {
    private static Attempt ended(int status, String signal, boolean deadlock, String stderr, String checkLine) {
        return new Attempt(4, "first", status, signal, null, deadlock, "", stderr, null, "-", checkLine == null ? null : 1,
                checkLine, null, false);
    }

    @Test
    void theSignatureKeepsTheProgramsLastLineNotDetsims() {
        String stderr = "starting 3 writers\nError: stepping, database is locked (5)\n"
                + "detsim: deadlock at 1200 ns; every live thread waits:\n  thread 1 futex 0x7f00\n  thread 2 futex 0x7f08\n";
        Attempt a = ended(86, null, true, stderr, null);
        assertEquals("Error: stepping, database is locked (5)", a.lastProgramStderrLine());
        var s = a.signature("exit");
        assertEquals("deadlock", s.outcome());
        assertEquals("Error: stepping, database is locked (N)", s.stderr());
        assertNull(s.checker());
    }

    @Test
    void theProgramsOwnIndentedLinesCount() {
        assertEquals("  at main.c:12", ended(1, null, false, "panic\n  at main.c:12\n", null).lastProgramStderrLine());
    }

    @Test
    void aSignalIsTheOutcomeAndTheCheckersLineJoins() {
        var s = ended(139, "SIGSEGV", false, "detsim: ./a killed by signal SIGSEGV (Segmentation fault)\n", "lost rows: 3 of 4")
                .signature("exit,check:x");
        assertEquals("signal SIGSEGV", s.outcome());
        assertEquals("", s.stderr());
        assertEquals("lost rows: N of N", s.checker());
    }

    @Test
    void runsKilledLineGivesTheSignalAndTheCrashSite() {
        String[] s = SeedRunner.killedBy("x\ndetsim: ./a b killed by signal SIGSEGV (Segmentation fault) (core dumped)"
                + " at /g/crash:0x1139 (crash_here+0x9)\n");
        assertEquals("SIGSEGV", s[0]);
        assertEquals("/g/crash:0x1139 (crash_here+0x9)", s[1]);
        s = SeedRunner.killedBy("detsim: ./a killed by signal SIGTERM (Terminated)\n");
        assertEquals("SIGTERM", s[0]);
        assertNull(s[1]);
        assertNull(SeedRunner.killedBy("fine\n")[0]);
        var a = new Attempt(4, "first", 139, "SIGSEGV", "/g/crash:0x1139 (crash_here+0x9)", false, "", "", null, "-",
                null, null, null, false);
        assertEquals("/g/crash:0x1139 (crash_here+0x9)", a.signature("exit").site());
    }
}
