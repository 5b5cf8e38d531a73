package dev.detsim.sandbox.world;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class MachineFilesTest {
    @Test
    void theSameMachineGivesTheSamePathsEverywhereAndOthersDiffer() {
        MachineFiles a = new MachineFiles(new Machine(2, "x86_64"));
        MachineFiles b = new MachineFiles(new Machine(2, "x86_64"));
        MachineFiles c = new MachineFiles(new Machine(3, "x86_64"));
        assertEquals(a.replacement("/proc/cpuinfo"), b.replacement("/proc/cpuinfo"));
        assertNotEquals(a.replacement("/proc/cpuinfo"), c.replacement("/proc/cpuinfo"));
        assertTrue(a.replacement("/proc/cpuinfo").startsWith(dev.detsim.sandbox.world.StandIns.directory().resolve("detsim-machine-").toString()));
        assertNull(a.replacement("/proc/self/maps"), "only the machine's own files are replaced");
        assertNull(a.replacement("/etc/hostname"));
    }

    @Test
    void contentsDescribeTheMachine() throws Exception {
        MachineFiles f = new MachineFiles(new Machine(4, "x86_64"));
        assertEquals("0-3\n", f.contents().get("/sys/devices/system/cpu/online"));
        assertEquals("0\n", new MachineFiles(new Machine(1, "x86_64")).contents().get("/sys/devices/system/cpu/online"));
        assertEquals(4, f.contents().get("/proc/cpuinfo").lines().filter(l -> l.startsWith("processor")).count());
        assertTrue(f.contents().get("/proc/meminfo").startsWith("MemTotal:        8388608 kB\n"));
        String hosts = f.contents().get("/etc/hosts");
        assertTrue(hosts.startsWith(Files.readString(Path.of("/etc/hosts"), java.nio.charset.StandardCharsets.ISO_8859_1)
                .stripTrailing()), "the host's names stay: " + hosts);
        assertTrue(hosts.endsWith("\n127.0.1.1\tdetsim\n"), "the virtual host name resolves locally: " + hosts);
        f.materialize();
        f.materialize(); // idempotent: a second run of the same machine finds the files
        assertEquals("0-3\n", Files.readString(Path.of(f.replacement("/sys/devices/system/cpu/online"))));
    }
}
