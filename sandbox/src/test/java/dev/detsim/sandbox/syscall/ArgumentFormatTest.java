package dev.detsim.sandbox.syscall;

import static dev.detsim.abi.CloneFlags.*;
import static dev.detsim.abi.OpenFlags.*;
import static dev.detsim.abi.Signals.SIGCHLD;
import static dev.detsim.sandbox.syscall.ArgumentFormat.scalar;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.detsim.abi.OpenFlags;
import dev.detsim.sandbox.arch.Arch;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** strace-style rendering of argument values, as this machine's architecture numbers the flags. */
class ArgumentFormatTest {
    private static final OpenFlags HERE = Arch.current().openFlags();

    @Test
    void openFlags() {
        assertEquals("O_RDONLY|O_CLOEXEC", scalar("oflags", 0x80000));
        assertEquals(O_CLOEXEC, 0x80000);
        assertEquals("O_WRONLY|O_CREAT|O_TRUNC", scalar("oflags", O_WRONLY | O_CREAT | O_TRUNC));
        assertEquals("O_RDONLY", scalar("oflags", 0));
        assertEquals("O_RDWR", scalar("oflags", O_RDWR));
        assertEquals("O_RDWR|O_CREAT|O_EXCL|O_CLOEXEC", scalar("oflags", O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC));
        assertEquals("O_WRONLY|O_APPEND|O_NONBLOCK", scalar("oflags", O_WRONLY | O_APPEND | O_NONBLOCK));
        // what glibc's opendir passes on x86_64
        assertEquals("O_RDONLY|O_NONBLOCK|O_DIRECTORY|O_CLOEXEC",
                scalar("oflags", O_NONBLOCK | HERE.O_DIRECTORY | O_CLOEXEC));
        assertEquals("O_ACCMODE", scalar("oflags", 3));
    }

    @Test
    void unknownFlagBitsArePrintedAsAHexRemainder() {
        // O_LARGEFILE is not decoded (0100000 on x86_64)
        assertEquals("O_RDONLY|0x" + Integer.toHexString(HERE.O_LARGEFILE), scalar("oflags", HERE.O_LARGEFILE));
        assertEquals("O_WRONLY|O_CREAT|0x40000000", scalar("oflags", O_WRONLY | O_CREAT | 0x40000000));
        assertEquals("MAP_PRIVATE|MAP_ANONYMOUS|0x80000000", scalar("mmapflags", 0x22 | 0x80000000L));
        assertEquals("AT_SYMLINK_NOFOLLOW|0x1", scalar("atflags", 0x101));
        assertEquals("0x2", scalar("atflags", 0x2));
        assertEquals("PROT_READ|0x10", scalar("prot", 0x11));
        assertEquals("CLONE_VM|0x80000000", scalar("cloneflags", CLONE_VM | 0x80000000L));
        assertEquals("0x80000000|SIGCHLD", scalar("cloneflags", 0x80000000L | SIGCHLD));
    }

    @Test
    void otherFlagSets() {
        assertEquals("PROT_NONE", scalar("prot", 0));
        assertEquals("PROT_READ|PROT_WRITE", scalar("prot", 3));
        assertEquals("PROT_READ|PROT_EXEC", scalar("prot", 5));
        assertEquals("0", scalar("atflags", 0));
        assertEquals("AT_EMPTY_PATH", scalar("atflags", 0x1000));
        assertEquals("AT_SYMLINK_NOFOLLOW|AT_EMPTY_PATH", scalar("atflags", 0x1100));
        assertEquals("0", scalar("mmapflags", 0));
        assertEquals("MAP_PRIVATE|MAP_ANONYMOUS", scalar("mmapflags", 0x22));
        assertEquals("MAP_PRIVATE|MAP_FIXED|MAP_DENYWRITE", scalar("mmapflags", 0x812));
        assertEquals("MAP_PRIVATE|MAP_ANONYMOUS|MAP_NORESERVE|MAP_STACK", scalar("mmapflags", 0x24022));
    }

    @Test
    void cloneFlagsOfPthreadCreate() {
        long flags = CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM | CLONE_SETTLS
                | CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID;
        assertEquals(0x3d0f00, flags);
        assertEquals("CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD|CLONE_SYSVSEM|CLONE_SETTLS"
                + "|CLONE_PARENT_SETTID|CLONE_CHILD_CLEARTID", scalar("cloneflags", flags));
    }

    @Test
    void cloneFlagsOfForkEndWithTheExitSignal() {
        // glibc's fork: clone(CLONE_CHILD_SETTID|CLONE_CHILD_CLEARTID|SIGCHLD, ...)
        String fork = scalar("cloneflags", CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID | SIGCHLD);
        assertTrue(fork.endsWith("|SIGCHLD"), fork);
        assertEquals("CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD", fork);
        // posix_spawn / vfork style
        assertEquals("CLONE_VM|CLONE_VFORK|SIGCHLD", scalar("cloneflags", CLONE_VM | CLONE_VFORK | SIGCHLD));
        assertEquals("SIGCHLD", scalar("cloneflags", SIGCHLD));
        assertEquals("0", scalar("cloneflags", 0));
        assertEquals("CLONE_FILES", scalar("cloneflags", CLONE_FILES)); // unshare(CLONE_FILES): no signal
    }

    @Test
    void dirfdModeAndIntegers() {
        assertEquals("AT_FDCWD", scalar("dirfd", -100));
        assertEquals("AT_FDCWD", scalar("dirfd", 0xffffff9cL), "the kernel reads an int: upper bits do not matter");
        assertEquals("3", scalar("dirfd", 3));
        assertEquals("0644", scalar("mode", 0644));
        assertEquals("0755", scalar("mode", 0755));
        assertEquals("0644", scalar("mode", 0100644), "file-type bits are masked off");
        assertEquals("04755", scalar("mode", 04755));
        assertEquals("-1", scalar("int", 0xffffffffL));
        assertEquals("-1", scalar("fd", -1));
        assertEquals("4294967295", scalar("uint", -1));
        assertEquals("-1", scalar("off", -1));
        assertEquals("-9223372036854775808", scalar("long", Long.MIN_VALUE));
        assertEquals("18446744073709551615", scalar("size", -1));
        assertEquals("18446744073709551615", scalar("ulong", -1));
        assertEquals("1234", scalar("pid", 1234));
        assertEquals("0xff", scalar("hex", 255));
        assertEquals("0x5401", scalar("ioctlreq", 0x5401)); // TCGETS
    }

    @Test
    void pointers() {
        assertEquals("NULL", ArgumentFormat.pointer(0));
        assertEquals("0x7ffd12345678", ArgumentFormat.pointer(0x7ffd12345678L));
        assertEquals("0xffffffffffffffff", ArgumentFormat.pointer(-1));
        for (String kind : new String[] {"ptr", "sigset", "timespec"}) {
            assertEquals("NULL", scalar(kind, 0), kind);
            assertEquals("0x1000", scalar(kind, 0x1000), kind);
        }
    }

    @Test
    void futexOps() {
        assertEquals("FUTEX_WAIT_PRIVATE", scalar("futexop", 128 | 0));
        assertEquals("FUTEX_WAKE_PRIVATE", scalar("futexop", 128 | 1));
        assertEquals("FUTEX_WAIT", scalar("futexop", 0));
        assertEquals("FUTEX_WAIT_BITSET_PRIVATE|FUTEX_CLOCK_REALTIME", scalar("futexop", 9 | 128 | 256));
        assertEquals("FUTEX_LOCK_PI2", scalar("futexop", 13));
        assertEquals("99", scalar("futexop", 99));
    }

    @Test
    void signalsClocksWhence() {
        assertEquals("SIGTERM", scalar("signal", 15));
        assertEquals("SIGKILL", scalar("signal", 9));
        assertEquals("0", scalar("signal", 0));
        assertEquals("SIGRTMIN+2", scalar("signal", 34));
        assertEquals("CLOCK_REALTIME", scalar("clockid", 0));
        assertEquals("CLOCK_MONOTONIC", scalar("clockid", 1));
        assertEquals("CLOCK_BOOTTIME", scalar("clockid", 7));
        assertEquals("CLOCK_TAI", scalar("clockid", 11));
        assertEquals("10", scalar("clockid", 10), "10 is unassigned");
        assertEquals("12", scalar("clockid", 12));
        assertEquals("-6", scalar("clockid", -6), "a dynamic (per-process CPU) clock");
        assertEquals("SEEK_SET", scalar("whence", 0));
        assertEquals("SEEK_END", scalar("whence", 2));
        assertEquals("SEEK_HOLE", scalar("whence", 4));
        assertEquals("7", scalar("whence", 7));
    }

    @Test
    void everyDecodedKindHasItsOwnCase() {
        // A kind that is not in ArgumentFormat's switch falls through to plain hex: "0x5". Only hex and
        // ioctlreq are meant to print that way (atflags prints unknown bits as hex, too).
        Set<String> hexByDesign = Set.of("hex", "ioctlreq", "ptr", "sigset", "timespec", "atflags");
        for (String kind : SyscallTableTest.ARGUMENT_KINDS) {
            if (Set.of("str", "strv").contains(kind)) continue; // read from tracee memory by the printer
            String rendered = scalar(kind, 5);
            if (hexByDesign.contains(kind)) assertEquals("0x5", rendered, kind);
            else assertNotEquals("0x5", rendered, kind + " is not decoded");
        }
        for (String kind : SyscallTableTest.RETURN_KINDS) {
            if (!kind.equals("hex")) assertNotEquals("0x5", scalar(kind, 5), kind);
        }
        assertEquals("?", scalar("none", 0));
    }

    @Test
    void quoteBytesEscapesLikeC() {
        byte[] in = "a\nb\tc\"d\\e\rf".getBytes(StandardCharsets.US_ASCII);
        assertEquals("\"a\\nb\\tc\\\"d\\\\e\\rf\"", ArgumentFormat.quoteBytes(in, false));
        assertEquals("\"\\x00\\x01\\x1f\\x7f\\x80\\xff\"",
                ArgumentFormat.quoteBytes(new byte[] {0, 1, 0x1f, 0x7f, (byte) 0x80, (byte) 0xff}, false));
        assertEquals("\" ~\"", ArgumentFormat.quoteBytes(new byte[] {' ', '~'}, false));
        assertEquals("\"\"", ArgumentFormat.quoteBytes(new byte[0], false));
        assertEquals("\"abc\"...", ArgumentFormat.quoteBytes("abc".getBytes(StandardCharsets.US_ASCII), true));
    }

    @Test
    void quoteCutsAtMax() {
        assertEquals("\"hello\"...", ArgumentFormat.quote("hello world", 5));
        assertEquals("\"hello\"", ArgumentFormat.quote("hello", 5));
        assertEquals("\"/etc/passwd\"", ArgumentFormat.quote("/etc/passwd", 64));
        assertEquals("\"\\xc3\\xa9\"", ArgumentFormat.quote("\u00e9", 64), "UTF-8 bytes, escaped");
    }
}
