package dev.detsim.sandbox.handlers;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** How detsim spells a traced thread's paths: parents of paths, and the links that name the caller's process. */
class GuestFilesTest {
    private static String s(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void parentOfAPath() {
        assertEquals(".", s(GuestFiles.parent(b("name"))));
        assertEquals("a", s(GuestFiles.parent(b("a/b"))));
        assertEquals("a", s(GuestFiles.parent(b("a//b/"))), "trailing slashes name the last component");
        assertEquals("/", s(GuestFiles.parent(b("/etc"))));
        assertEquals("/usr/lib", s(GuestFiles.parent(b("/usr/lib/x.so"))));
        assertEquals("/", s(GuestFiles.parent(b("//x"))));
        assertEquals("..", s(GuestFiles.parent(b("../x"))));
    }

    @Test
    void linksToTheCallersOwnProcessAreSpelledWithTheThreadsProcess() {
        GuestFiles files = new GuestFiles(true);
        int pid = (int) ProcessHandle.current().pid(); // a thread group leader: its own process
        String proc = "/proc/" + pid;
        assertEquals(proc + "/fd/3", s(files.hostView(pid, b("/proc/self/fd/3"), false)));
        assertEquals(proc, s(files.hostView(pid, b("/proc/self"), true)));
        assertEquals("/proc/self", s(files.hostView(pid, b("/proc/self"), false)), "lstat of the link itself");
        assertEquals(proc + "/task/" + pid + "/stat", s(files.hostView(pid, b("/proc/thread-self/stat"), true)));
        assertEquals(proc + "/fd/7", s(files.hostView(pid, b("/dev/fd/7"), false)));
        assertEquals(proc + "/fd/0", s(files.hostView(pid, b("/dev/stdin"), true)));
        assertEquals(proc + "/fd/2", s(files.hostView(pid, b("/dev/stderr"), true)));
        assertEquals("/dev/stdout", s(files.hostView(pid, b("/dev/stdout"), false)));
        for (String unchanged : new String[] {"/dev/fdx", "/dev/stdin/x", "/usr/bin/env", "/", "/dev", "/procs",
            "/tmpx", "/var/tmpx", "/var/log", "/t", "/v"}) {
            assertEquals(unchanged, s(files.hostView(pid, b(unchanged), true)));
        }
        // Other /proc paths name the thread's pids (its pid namespace's): they go through its root.
        // So do /tmp and /var/tmp, which here are the run's private tmpfs in its mount namespace.
        for (String own : new String[] {"/proc/selfish", "/proc/1/fd", "/proc", "/proc/cpuinfo", "/tmp", "/tmp/x.Ab12",
            "/var/tmp", "/var/tmp/a/b"}) {
            assertEquals(proc + "/root" + own, s(files.hostView(pid, b(own), true)));
        }
    }

    @Test
    void aSharedTmpIsTheHostsAndSpelledAsItIs() {
        GuestFiles files = new GuestFiles(false);
        int pid = (int) ProcessHandle.current().pid();
        for (String host : new String[] {"/tmp", "/tmp/x.Ab12", "/var/tmp/a/b"}) {
            assertEquals(host, s(files.hostView(pid, b(host), true)));
        }
        assertEquals("/proc/" + pid + "/root/proc/1/fd", s(files.hostView(pid, b("/proc/1/fd"), true)),
                "/proc is the run's own either way");
    }
}
