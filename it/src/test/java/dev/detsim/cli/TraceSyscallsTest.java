package dev.detsim.cli;

import static dev.detsim.cli.Programs.detsimRun;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --trace-syscalls: the strace-like debugging view, with decoded arguments and results. */
class TraceSyscallsTest {
    @TempDir
    Path dir;

    @Test
    void traceToAFileDecodesArgumentsAndResults() throws Exception {
        Path trace = dir.resolve("trace.txt");
        var r = detsimRun(List.of("--trace-syscalls=" + trace), List.of("cat", "/no/such/file", "/etc/hostname"), null);
        assertEquals(1, r.status()); // cat fails on the missing file, like natively
        assertEquals(Files.readString(Path.of("/etc/hostname")), r.out(), "the program's output is untouched");
        String text = Files.readString(trace);
        assertTrue(text.matches("(?s).*\\[\\d+] execve\\(\"[^\"]*/cat\", \\[\"cat\", \"/no/such/file\", \"/etc/hostname\"], \\[.*\\) = 0\n.*"), text);
        assertTrue(text.contains("openat(AT_FDCWD, \"/no/such/file\", O_RDONLY) = -1 ENOENT (No such file or directory)"), text);
        assertTrue(text.matches("(?s).*openat\\(AT_FDCWD, \"/etc/hostname\", O_RDONLY\\) = (\\d+)\n.*"), text);
        assertTrue(text.contains("exit_group(1) = ?"), text);
    }

    @Test
    void traceToStderrShowsWritesWithTheirBytes() {
        var r = detsimRun(List.of("--trace-syscalls"), List.of("printf", "hi\\n"), null);
        assertEquals(0, r.status());
        assertEquals("hi\n", r.out());
        assertTrue(r.err().matches("(?s).*\\[\\d+] write\\(1, \"hi\\\\n\", 3\\) = 3\n.*"), r.err());
    }

    @Test
    void unknownSyscallsAreReportedOnceAndStillRun() {
        // syscall 999 does not exist (ENOSYS); 0x40000027 is getpid in the x32 ABI, which this kernel may refuse.
        String py = "import ctypes; libc = ctypes.CDLL(None); libc.syscall.restype = ctypes.c_long\n"
                + "print(libc.syscall(999), libc.syscall(999), 'done')\n"
                + "libc.syscall(0x40000027)";
        var r = detsimRun(List.of("--trace-syscalls=/dev/null"), List.of("/usr/bin/python3", "-c", py), null);
        assertEquals(0, r.status(), r.err());
        assertEquals("-1 -1 done\n", r.out(), "the kernel still answered: ENOSYS");
        assertEquals(1, r.err().lines().filter(l -> l.contains("syscall #999 is not in detsim's table")).count(), r.err());
        assertTrue(r.err().contains("syscall x32 #39 is not in detsim's table"), r.err());
    }

    @Test
    void interceptedSyscallsPassThroughUnchanged() {
        var r = detsimRun(List.of("--intercept=getppid,getpid"), List.of("bash", "-c", "echo $PPID $$ | wc -w"), null);
        assertEquals(0, r.status(), r.err());
        assertEquals("2\n", r.out().trim() + "\n");
    }
}
