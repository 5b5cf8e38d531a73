package dev.detsim.cli;

import static dev.detsim.cli.Programs.detsimCommand;
import static dev.detsim.cli.Programs.detsimRun;
import static dev.detsim.cli.Programs.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The user's side of the CLI: errors are one clear line with the shell's exit status, never a stack trace. */
class CommandLineTest {
    @TempDir
    Path dir;

    private static void assertNoStackTrace(Programs.Result r) {
        assertFalse(r.err().contains("\tat "), "no Java stack trace: " + r.err());
        assertFalse(r.err().contains("Exception"), "no exception name: " + r.err());
    }

    @Test
    void commandNotFound() {
        var r = detsimRun(List.of("no-such-command-xyz"), null);
        assertEquals(127, r.status());
        assertEquals("detsim: no-such-command-xyz: command not found\n", r.err());
    }

    @Test
    void missingPath() {
        var r = detsimRun(List.of("./no/such/file"), null);
        assertEquals(127, r.status());
        assertEquals("detsim: ./no/such/file: No such file or directory\n", r.err());
    }

    @Test
    void notExecutable() throws IOException {
        Path f = Files.writeString(dir.resolve("script.sh"), "echo hi\n");
        var r = detsimRun(List.of(f.toString()), null);
        assertEquals(126, r.status());
        assertEquals("detsim: " + f + ": Permission denied\n", r.err());
        var d = detsimRun(List.of(dir.toString()), null);
        assertEquals(126, d.status());
        assertNoStackTrace(d);
    }

    @Test
    void execFormatErrorIsReportedNotThrown() throws IOException {
        Path f = dir.resolve("garbage");
        Files.write(f, new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
        f.toFile().setExecutable(true);
        var r = detsimRun(List.of(f.toString()), null);
        assertEquals(126, r.status());
        assertTrue(r.err().contains("Exec format error"), r.err());
        assertNoStackTrace(r);
    }

    @Test
    void badOptionsGiveUsageAndStatus2() {
        var r = run(new ProcessBuilder(detsimCommand(List.of("run", "--no-such-option", "--", "true"))), null,
                Programs.DEFAULT_TIMEOUT);
        assertEquals(2, r.status());
        assertTrue(r.err().contains("Unknown option: '--no-such-option'"), r.err());
        assertTrue(r.err().contains("Usage: detsim run"), r.err());
        assertNoStackTrace(r);

        var bad = detsimRun(List.of("--intercept=notasyscall"), List.of("true"), null);
        assertEquals(2, bad.status());
        assertTrue(bad.err().contains("unknown syscall 'notasyscall'"), bad.err());

        var none = run(new ProcessBuilder(detsimCommand(List.of("run"))), null, Programs.DEFAULT_TIMEOUT);
        assertEquals(2, none.status());
        assertTrue(none.err().contains("Missing required parameter"), none.err());
    }

    @Test
    void helpAndVersion() {
        var help = run(new ProcessBuilder(detsimCommand(List.of("--help"))), null, Programs.DEFAULT_TIMEOUT);
        assertEquals(0, help.status());
        assertTrue(help.out().contains("run"), help.out());
        var runHelp = run(new ProcessBuilder(detsimCommand(List.of("run", "--help"))), null, Programs.DEFAULT_TIMEOUT);
        assertTrue(runHelp.out().contains("--trace-syscalls"), runHelp.out());
        var version = run(new ProcessBuilder(detsimCommand(List.of("--version"))), null, Programs.DEFAULT_TIMEOUT);
        assertEquals(0, version.status());
        assertTrue(version.out().startsWith("detsim "), version.out());
    }

    @Test
    void optionsAfterTheCommandBelongToTheCommand() {
        var r = run(new ProcessBuilder(detsimCommand(List.of("run", "echo", "--no-pin", "-n", "x"))), null,
                Programs.DEFAULT_TIMEOUT);
        assertEquals(0, r.status(), r.err());
        assertEquals("--no-pin -n x\n", r.out());
    }

    /** A libdetsim.so that cannot be loaded fails a class's initialisation (an Error): one line, status 70. */
    @Test
    void aNativeLibraryThatCannotBeLoadedIsOneLineAndSeventy() throws IOException {
        Path bad = Files.writeString(dir.resolve("libdetsim.so"), "not a library\n");
        List<String> cmd = new java.util.ArrayList<>(detsimCommand(List.of("run", "--", "/bin/true")));
        cmd.add(1, "-Ddetsim.native.lib=" + bad);
        var r = run(new ProcessBuilder(cmd), null, Programs.DEFAULT_TIMEOUT);
        assertEquals(70, r.status(), r.err());
        assertTrue(r.err().contains("detsim: internal error: java.lang.IllegalArgumentException: Cannot open library: " + bad),
                r.err());
        assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
    }
}
