package dev.detsim.sandbox.tracer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.detsim.sandbox.api.SyscallHandler;
import dev.detsim.sandbox.api.Disposition;
import dev.detsim.sandbox.api.SyscallStop;
import dev.detsim.sandbox.arch.Arch;
import dev.detsim.abi.Errno;
import dev.detsim.sandbox.syscall.Syscall;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tracer in-process with real programs and small real handlers: what a handler decides is what the
 * program sees. The programs write to files (their stdout is this JVM's).
 */
class TracerTest {
    @TempDir
    Path dir;

    private final ByteArrayOutputStream warningBytes = new ByteArrayOutputStream();
    private final PrintStream warnings = new PrintStream(warningBytes, true, StandardCharsets.UTF_8);

    private Outcome run(List<SyscallHandler> handlers, String... argv) throws Exception {
        return run(false, handlers, argv);
    }

    private Outcome run(boolean pidNamespace, List<SyscallHandler> handlers, String... argv) throws Exception {
        TracerOptions options = new TracerOptions(true, Set.of(), null, handlers, new int[0], warnings, false,
                pidNamespace, false, new dev.detsim.recorder.EventLog(), dev.detsim.scheduler.Scheduler.deterministic(), null, null);
        return new Tracer(Arch.current(), options).run(argv[0], List.of(argv));
    }

    private static SyscallHandler handler(Syscall syscall, java.util.function.Function<SyscallStop, Disposition> decide) {
        return new SyscallHandler() {
            @Override
            public Set<Syscall> subscriptions() {
                return Set.of(syscall);
            }

            @Override
            public Disposition onSyscall(SyscallStop stop) {
                return decide.apply(stop);
            }
        };
    }

    @Test
    void anEmulatedResultIsWhatTheProgramSees() throws Exception {
        Path out = dir.resolve("ppid");
        AtomicInteger calls = new AtomicInteger();
        var fakeParent = handler(Syscall.GETPPID, stop -> {
            calls.incrementAndGet();
            return Disposition.emulate(4242);
        });
        Outcome o = run(List.of(fakeParent), "/bin/sh", "-c", "echo $PPID > " + out);
        assertEquals(0, o.shellStatus());
        assertEquals("4242\n", Files.readString(out));
        assertTrue(calls.get() >= 1);
    }

    @Test
    void anInjectedErrnoFailsTheCallWithoutRunningIt() throws Exception {
        Path target = dir.resolve("never-created");
        Path log = dir.resolve("log");
        var deny = handler(Syscall.MKDIR, stop -> {
            String path = stop.memory().readCString(stop.tid(), stop.argument(0), 4096);
            return path != null && path.endsWith("never-created") ? Disposition.fail(Errno.EACCES) : Disposition.PASSTHROUGH;
        });
        // coreutils mkdir uses mkdir(2) on x86_64; bash reports the errno text.
        Outcome o = run(List.of(deny), "/bin/sh", "-c", "mkdir " + target + " 2> " + log);
        assertEquals(1, o.shellStatus());
        assertFalse(Files.exists(target), "the kernel never ran mkdir");
        assertTrue(Files.readString(log).contains("Permission denied"), Files.readString(log));
    }

    @Test
    void passthroughHandlersSeeDecodedArgumentsAndChangeNothing() throws Exception {
        Path out = dir.resolve("out");
        StringBuilder seen = new StringBuilder();
        var watch = handler(Syscall.OPENAT, stop -> {
            String path = stop.memory().readCString(stop.tid(), stop.argument(1), 4096);
            if (path != null && path.startsWith("/etc/host")) seen.append(path).append('\n');
            return Disposition.PASSTHROUGH;
        });
        Outcome o = run(List.of(watch), "/bin/sh", "-c", "cat /etc/hostname > " + out);
        assertEquals(0, o.shellStatus());
        assertEquals(Files.readString(Path.of("/etc/hostname")), Files.readString(out));
        assertEquals("/etc/hostname\n", seen.toString());
    }

    @Test
    void exitStatusAndDeathBySignal() throws Exception {
        assertEquals(7, run(List.of(), "/bin/sh", "-c", "exit 7").exitCode());
        Outcome killed = run(List.of(), "/bin/sh", "-c", "kill -SEGV $$");
        assertEquals(11, killed.signal());
        assertEquals(139, killed.shellStatus());
    }

    @Test
    void execFailureIsASpawnExceptionWithTheErrno() throws Exception {
        Path garbage = dir.resolve("garbage");
        Files.write(garbage, new byte[] {0, 1, 2, 3});
        garbage.toFile().setExecutable(true);
        SpawnException e = assertThrows(SpawnException.class, () -> run(List.of(), garbage.toString()));
        assertEquals(Errno.ENOEXEC, e.errno());
        SpawnException missing = assertThrows(SpawnException.class, () -> run(List.of(), dir.resolve("nope").toString()));
        assertEquals(Errno.ENOENT, missing.errno());
    }

    @Test
    void aProgramThatExits127ByItselfIsNotAnExecFailure() throws Exception {
        assertEquals(127, run(List.of(), "/bin/sh", "-c", "exit 127").exitCode());
    }

    /**
     * The namespace's init is a fork of this JVM that lives as long as the run: it must not share the JVM's big
     * writable mappings, or every page the JVM writes afterwards is copied (spawn.c, exclude_from_fork). An
     * 8 MiB mapping of this JVM's, written before the run, is not in init's address space; the library init
     * runs from is.
     */
    @Test
    void theNamespacesInitDoesNotShareTheJvmsMemory() throws Exception {
        Path maps = dir.resolve("maps");
        var posix = dev.detsim.sandbox.os.Posix.forCurrentThread();
        long size = 8 << 20, protReadWrite = 3, mapPrivateAnonymous = 0x22;
        long address = posix.call(Syscall.MMAP, 0, size, protReadWrite, mapPrivateAnonymous, -1, 0);
        assertTrue(address > 0, "mmap: " + address);
        try {
            java.lang.foreign.MemorySegment.ofAddress(address).reinterpret(size).fill((byte) 1);
            Outcome o = run(true, List.of(), "/bin/sh", "-c", "cat /proc/1/maps > " + maps);
            assertEquals(0, o.shellStatus());
            org.junit.jupiter.api.Assumptions.assumeFalse(warningBytes.toString().contains("no pid namespace"),
                    "no pid namespace here: " + warningBytes);
            String initMaps = Files.readString(maps);
            assertTrue(initMaps.contains("libdetsim.so"), initMaps);
            for (String line : initMaps.split("\n")) {
                String[] range = line.split(" ")[0].split("-");
                long start = Long.parseUnsignedLong(range[0], 16), end = Long.parseUnsignedLong(range[1], 16);
                assertFalse(Long.compareUnsigned(address, start) >= 0 && Long.compareUnsigned(address, end) < 0,
                        "init maps the JVM's buffer at 0x" + Long.toHexString(address) + ": " + line);
            }
        } finally {
            posix.call(Syscall.MUNMAP, address, size);
        }
    }
}
