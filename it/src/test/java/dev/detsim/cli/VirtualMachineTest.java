package dev.detsim.cli;

import static dev.detsim.cli.Programs.detsimCommand;
import static dev.detsim.cli.Programs.detsimRun;
import static dev.detsim.cli.Programs.guest;
import static dev.detsim.cli.Programs.nativeRun;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The machine a program sees under detsim is fixed and the same on every host: names, memory, CPU count. */
class VirtualMachineTest {
    private static final String ONE_CPU = """
            uname Linux detsim 6.1.0-detsim #1 SMP PREEMPT_DYNAMIC detsim x86_64 (none)
            sysinfo uptime 1000 totalram 8589934592 freeram 6442450944 procs 1 mem_unit 1
            cpus 1
            setaffinity cpu 0: ok
            setaffinity cpu 5: Invalid argument
            """;

    @Test
    void unameSysinfoAndAffinityAreVirtual() {
        List<String> cmd = List.of(guest("machine").toString());
        var r = detsimRun(cmd, null);
        assertEquals(0, r.status(), r.err());
        assertEquals(ONE_CPU, r.out());
        assertNotEquals(ONE_CPU, nativeRun(cmd, null).out(), "natively the host shows through");

        var six = detsimRun(List.of("--cpus=6"), cmd, null);
        assertTrue(six.out().contains("cpus 6\n"), six.out());
        assertTrue(six.out().contains("setaffinity cpu 5: ok\n"), six.out());
    }

    @Test
    void toolsAndRuntimesReadTheVirtualCpuCount() {
        assertEquals("1\n", detsimRun(List.of("nproc"), null).out());
        assertEquals("3\n", detsimRun(List.of("--cpus=3"), List.of("nproc"), null).out());
        assertEquals("NumCPU 4 GOMAXPROCS 4\n", detsimRun(List.of("--cpus=4"), List.of(guest("numcpu").toString()), null).out());
        assertEquals("70\n", detsimRun(List.of("--cpus=70"), List.of("/usr/bin/python3", "-c",
                "import os; print(len(os.sched_getaffinity(0)))"), null).out());
        assertEquals("detsim\n", detsimRun(List.of("hostname"), null).out());
        // The host name resolves inside the run (MariaDB's bootstrap asks), never through a name server outside.
        assertEquals("127.0.1.1       detsim\n", detsimRun(List.of("sh", "-c", "getent hosts $(hostname)"), null).out());
        assertEquals("127.0.1.1\n", detsimRun(List.of("/usr/bin/python3", "-c",
                "import socket; print(socket.gethostbyname(socket.gethostname()))"), null).out());
    }

    @Test
    void procAndSysFilesDescribeTheVirtualMachine() {
        var r = detsimRun(List.of("--cpus=3"), List.of("sh", "-c", """
                /usr/bin/python3 -c 'import os; print("cpu_count", os.cpu_count())'
                echo "getconf $(getconf _NPROCESSORS_ONLN) $(getconf _NPROCESSORS_CONF)"
                echo "cpuinfo $(grep -c ^processor /proc/cpuinfo)"
                echo "online $(cat /sys/devices/system/cpu/online)"
                free -b | awk '/^Mem:/ { print "free", $2, $4 }'
                echo "hostname $(cat /proc/sys/kernel/hostname)"
                cat /proc/uptime
                """), null);
        assertEquals(0, r.status(), r.err());
        assertEquals("""
                cpu_count 3
                getconf 3 3
                cpuinfo 3
                online 0-2
                free 8589934592 6442450944
                hostname detsim
                1000.00 3000.00
                """, r.out());
    }

    @Test
    void cpuCountOutOfRangeIsAUsageError() {
        var r = detsimRun(List.of("--cpus=0"), List.of("true"), null);
        assertEquals(2, r.status());
        assertTrue(r.err().startsWith("detsim: --cpus must be 1..1024, not 0"), r.err());
    }

    @Test
    void verifyPassesOnTheMachineGuest() {
        List<String> cmd = new ArrayList<>(detsimCommand(List.of("verify", "--runs", "3", "--cpus", "2", "--")));
        cmd.add(guest("machine").toString());
        var r = Programs.run(new ProcessBuilder(cmd), null, Programs.DEFAULT_TIMEOUT);
        assertEquals(0, r.status(), r.err());
    }
}
