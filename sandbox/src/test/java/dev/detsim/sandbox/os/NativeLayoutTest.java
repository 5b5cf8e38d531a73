package dev.detsim.sandbox.os;

import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.detsim.sandbox.arch.Arch;
import dev.detsim.sandbox.arch.Registers;
import dev.detsim.sandbox.syscall.SeccompFilter;
import dev.detsim.sandbox.syscall.Syscall;
import dev.detsim.abi.Errno;
import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.PaddingLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.ToLongFunction;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The Java views of C structures against libdetsim.so's detsim_layout (sizeof/offsetof compiled by C). The guest's
 * structures (stat, statx, timespec, ...) are dev.detsim.abi's, which the abi module's AbiFactsTest checks.
 */
class NativeLayoutTest {

    @Test
    void libdetsimIsFoundOnTheTestClassPath() {
        Assumptions.assumeTrue(System.getProperty("detsim.native.lib") == null, "an explicit library is set");
        String resource = "/dev/detsim/native/linux-" + System.getProperty("os.arch") + "/libdetsim.so";
        assertNotNull(NativeLibrary.class.getResource(resource), resource + " is not on the test class path");
        Path lib = NativeLibrary.locate();
        assertTrue(Files.isRegularFile(lib), lib.toString());
        assertEquals("libdetsim.so", lib.getFileName().toString());
        assertTrue(NativeLibrary.lookup().find("detsim_layout").isPresent());
        assertTrue(NativeLibrary.lookup().find("detsim_call").isPresent());
        assertTrue(NativeLibrary.lookup().find("detsim_spawn").isPresent());
        assertTrue(NativeLibrary.lookup().find("detsim_forward_signals").isPresent());
        assertTrue(NativeLibrary.lookup().find("detsim_signals_seen").isPresent());
    }

    @Test
    void callNumbersMatchC() {
        assertEquals(LibDetsim.CALL_SPAWN, LibDetsim.cLayout("DETSIM_CALL_SPAWN"));
        assertEquals(LibDetsim.CALL_FORWARD_SIGNALS, LibDetsim.cLayout("DETSIM_CALL_FORWARD_SIGNALS"));
        assertEquals(LibDetsim.CALL_RDTSC_TRAPS, LibDetsim.cLayout("DETSIM_CALL_RDTSC_TRAPS"));
        assertEquals(-Errno.ENOSYS, LibDetsim.call(99, 0, 0), "an unknown number");
    }

    @Test
    void spawnRequestMatchesC() {
        assertEquals(LibDetsim.SPAWN_REQUEST.byteSize(), LibDetsim.cLayout("detsim_spawn_request"), "sizeof");
        List<String> names = new ArrayList<>();
        for (MemoryLayout member : LibDetsim.SPAWN_REQUEST.memberLayouts()) {
            if (member instanceof PaddingLayout) continue;
            String name = member.name().orElseThrow();
            names.add(name);
            long offset = LibDetsim.SPAWN_REQUEST.byteOffset(MemoryLayout.PathElement.groupElement(name));
            assertEquals(offset, LibDetsim.cLayout("detsim_spawn_request." + name), "offsetof " + name);
            assertEquals(member.byteSize(), sizeOfField(name), "sizeof " + name);
        }
        assertEquals(List.of("path", "argv", "envp", "filter", "filter_len", "ptrace_options", "keep_fds",
                "keep_fd_count", "flags", "init_keep_fd"), names, "every field of struct detsim_spawn_request, in order");
        // 64-bit: four pointers, two unsigned ints, a pointer, an int, an unsigned int, an int and 4 bytes of padding
        assertEquals(64, LibDetsim.cLayout("detsim_spawn_request"));
    }

    @Test
    void spawnedMatchesC() {
        assertEquals(LibDetsim.SPAWNED.byteSize(), LibDetsim.cLayout("detsim_spawned"), "sizeof");
        List<String> names = new ArrayList<>();
        for (MemoryLayout member : LibDetsim.SPAWNED.memberLayouts()) {
            String name = member.name().orElseThrow();
            names.add(name);
            assertEquals(LibDetsim.SPAWNED.byteOffset(MemoryLayout.PathElement.groupElement(name)),
                    LibDetsim.cLayout("detsim_spawned." + name), "offsetof " + name);
        }
        assertEquals(List.of("error_fd", "init_pid", "namespace_stage", "namespace_errno"), names);
    }

    /** Field sizes of struct detsim_spawn_request from consecutive C offsets. */
    private static long sizeOfField(String name) {
        List<String> order = List.of("path", "argv", "envp", "filter", "filter_len", "ptrace_options", "keep_fds",
                "keep_fd_count", "flags", "init_keep_fd");
        int i = order.indexOf(name);
        if (i == order.size() - 1) return 4; // int init_keep_fd, the last field
        long next = LibDetsim.cLayout("detsim_spawn_request." + order.get(i + 1));
        long here = LibDetsim.cLayout("detsim_spawn_request." + name);
        return next - here;
    }

    @Test
    void registerOffsetsMatchC() {
        Arch arch = Arch.current();
        Assumptions.assumeTrue(LibDetsim.cLayout("user_regs_struct") > 0, "C reports no user_regs_struct here");
        Assumptions.assumeTrue(arch.name().equals("x86_64"));
        assertEquals(arch.registerBytes(), LibDetsim.cLayout("user_regs_struct"), "sizeof(struct user_regs_struct)");

        // Put a distinct value at each field's C offset, then read it back through the Java accessors.
        Map<String, ToLongFunction<Registers>> fields = new LinkedHashMap<>();
        fields.put("orig_rax", Registers::syscallNumber);
        fields.put("rdi", r -> r.argument(0));
        fields.put("rsi", r -> r.argument(1));
        fields.put("rdx", r -> r.argument(2));
        fields.put("r10", r -> r.argument(3));
        fields.put("r8", r -> r.argument(4));
        fields.put("r9", r -> r.argument(5));
        fields.put("rax", Registers::returnValue);
        fields.put("rip", Registers::instructionPointer);
        fields.put("rsp", Registers::stackPointer);
        try (Arena arena = Arena.ofConfined()) {
            Registers regs = new Registers(arch, arena);
            MemorySegment raw = regs.raw();
            long marker = 0x1000;
            Map<String, Long> written = new LinkedHashMap<>();
            for (String f : fields.keySet()) {
                long off = LibDetsim.cLayout("user_regs_struct." + f);
                assertTrue(off >= 0 && off + 8 <= raw.byteSize(), f + " at " + off);
                raw.set(JAVA_LONG, off, ++marker);
                written.put(f, marker);
            }
            for (var e : fields.entrySet()) {
                assertEquals(written.get(e.getKey()), e.getValue().applyAsLong(regs), e.getKey());
            }
            regs.setReturnValue(-14);
            assertEquals(-14, raw.get(JAVA_LONG, LibDetsim.cLayout("user_regs_struct.rax")), "setReturnValue writes rax");
        }
    }

    @Test
    void siginfoMatchesC() {
        assertEquals(128, LibDetsim.cLayout("siginfo_t"));
        assertEquals(0, LibDetsim.cLayout("siginfo_t.si_signo"));
        assertEquals(4, LibDetsim.cLayout("siginfo_t.si_errno"));
        assertEquals(8, LibDetsim.cLayout("siginfo_t.si_code"));
        assertEquals(16, LibDetsim.cLayout("siginfo_t.si_pid"));
        assertEquals(20, LibDetsim.cLayout("siginfo_t.si_uid"));
        assertEquals(24, LibDetsim.cLayout("siginfo_t.si_status"));
    }

    @Test
    void seccompDataMatchesCAndTheFilterLoadsFromIt() {
        assertEquals(64, LibDetsim.cLayout("seccomp_data"));
        long nr = LibDetsim.cLayout("seccomp_data.nr"), arch = LibDetsim.cLayout("seccomp_data.arch");
        assertEquals(0, nr);
        assertEquals(4, arch);
        assertEquals(8, LibDetsim.cLayout("seccomp_data.instruction_pointer"));
        assertEquals(16, LibDetsim.cLayout("seccomp_data.args"));

        // The generated program's absolute loads (BPF_LD|BPF_W|BPF_ABS) read exactly these two fields.
        SeccompFilter f = SeccompFilter.tracing(Arch.current(), Set.of(Syscall.GETPPID));
        assertEquals(arch, f.instructions().getFirst().k(), "the first load is seccomp_data.arch");
        Set<Long> loads = new java.util.HashSet<>();
        for (SeccompFilter.Instruction in : f.instructions()) if (in.code() == 0x20) loads.add((long) in.k());
        assertEquals(Set.of(nr, arch), loads);
    }

    @Test
    void sockFilterMatchesCAndToNative() {
        assertEquals(8, LibDetsim.cLayout("sock_filter"));
        assertEquals(0, LibDetsim.cLayout("sock_filter.code"));
        assertEquals(2, LibDetsim.cLayout("sock_filter.jt"));
        assertEquals(3, LibDetsim.cLayout("sock_filter.jf"));
        assertEquals(4, LibDetsim.cLayout("sock_filter.k"));
        SeccompFilter f = SeccompFilter.tracingAll(Arch.current());
        try (Arena arena = Arena.ofConfined()) {
            assertEquals(LibDetsim.cLayout("sock_filter") * f.instructions().size(), f.toNative(arena).byteSize());
        }
    }

    @Test
    void machineStructsMatchC() {
        // MachineHandler writes struct utsname and struct sysinfo itself.
        assertEquals(dev.detsim.sandbox.handlers.MachineHandler.UTSNAME_SIZE, LibDetsim.cLayout("utsname"));
        assertEquals(dev.detsim.sandbox.handlers.MachineHandler.UTSNAME_FIELD, LibDetsim.cLayout("utsname.nodename"));
        assertEquals(4L * dev.detsim.sandbox.handlers.MachineHandler.UTSNAME_FIELD, LibDetsim.cLayout("utsname.machine"));
        assertEquals(dev.detsim.sandbox.handlers.MachineHandler.SYSINFO_SIZE, LibDetsim.cLayout("sysinfo"));
        assertEquals(dev.detsim.sandbox.handlers.MachineHandler.SYSINFO_UPTIME, LibDetsim.cLayout("sysinfo.uptime"));
        assertEquals(dev.detsim.sandbox.handlers.MachineHandler.SYSINFO_LOADS, LibDetsim.cLayout("sysinfo.loads"));
        assertEquals(dev.detsim.sandbox.handlers.MachineHandler.SYSINFO_TOTALRAM, LibDetsim.cLayout("sysinfo.totalram"));
        assertEquals(dev.detsim.sandbox.handlers.MachineHandler.SYSINFO_FREERAM, LibDetsim.cLayout("sysinfo.freeram"));
        assertEquals(dev.detsim.sandbox.handlers.MachineHandler.SYSINFO_PROCS, LibDetsim.cLayout("sysinfo.procs"));
        assertEquals(dev.detsim.sandbox.handlers.MachineHandler.SYSINFO_MEM_UNIT, LibDetsim.cLayout("sysinfo.mem_unit"));
    }

    @Test
    void iovecMatchesC() {
        // Posix.readMemory/writeMemory and the aarch64 regset calls build struct iovec as {base @0, len @8}.
        assertEquals(16, LibDetsim.cLayout("iovec"));
        assertEquals(0, LibDetsim.cLayout("iovec.iov_base"));
        assertEquals(8, LibDetsim.cLayout("iovec.iov_len"));
    }

    @Test
    void unknownNamesAreMinusOne() {
        assertEquals(-1, LibDetsim.cLayout("no_such_struct"));
        assertEquals(-1, LibDetsim.cLayout(""));
        assertEquals(-1, LibDetsim.cLayout("user_regs_struct.no_such_field"));
        assertEquals(-1, LibDetsim.cLayout("SIGINFO_T"), "names are case-sensitive");
    }

    /** Every name layout.c defines is one this test compares with Java; a new entry needs a check here. */
    static final Set<String> CHECKED = Set.of(
            "user_regs_struct", "user_regs_struct.rax", "user_regs_struct.orig_rax", "user_regs_struct.rdi",
            "user_regs_struct.rsi", "user_regs_struct.rdx", "user_regs_struct.r10", "user_regs_struct.r8",
            "user_regs_struct.r9", "user_regs_struct.rip", "user_regs_struct.rsp",
            "siginfo_t", "siginfo_t.si_signo", "siginfo_t.si_errno", "siginfo_t.si_code", "siginfo_t.si_pid",
            "siginfo_t.si_uid", "siginfo_t.si_status",
            "seccomp_data", "seccomp_data.nr", "seccomp_data.arch", "seccomp_data.instruction_pointer",
            "seccomp_data.args",
            "sock_filter", "sock_filter.code", "sock_filter.jt", "sock_filter.jf", "sock_filter.k",
            "iovec", "iovec.iov_base", "iovec.iov_len",
            "utsname", "utsname.nodename", "utsname.machine",
            "sysinfo", "sysinfo.uptime", "sysinfo.loads", "sysinfo.totalram", "sysinfo.freeram", "sysinfo.procs",
            "sysinfo.mem_unit",
            "detsim_spawn_request", "detsim_spawn_request.path", "detsim_spawn_request.argv",
            "detsim_spawn_request.envp", "detsim_spawn_request.filter", "detsim_spawn_request.filter_len",
            "detsim_spawn_request.ptrace_options", "detsim_spawn_request.keep_fds",
            "detsim_spawn_request.keep_fd_count", "detsim_spawn_request.flags", "detsim_spawn_request.init_keep_fd",
            "detsim_spawned", "detsim_spawned.error_fd", "detsim_spawned.init_pid", "detsim_spawned.namespace_stage",
            "detsim_spawned.namespace_errno",
            "DETSIM_CALL_SPAWN", "DETSIM_CALL_FORWARD_SIGNALS", "DETSIM_CALL_RDTSC_TRAPS");

    @Test
    void everyNameInLayoutCIsKnownToCAndChecked() throws java.io.IOException {
        Path layoutC = null;
        for (Path dir = Path.of("").toAbsolutePath(); dir != null && layoutC == null; dir = dir.getParent()) {
            Path p = dir.resolve("native/src/main/c/layout.c");
            if (Files.isRegularFile(p)) layoutC = p;
        }
        Assumptions.assumeTrue(layoutC != null, "native/src/main/c/layout.c is not in this checkout");
        var m = java.util.regex.Pattern.compile("ENTRY\\(\"([^\"]+)\"").matcher(Files.readString(layoutC));
        List<String> names = new ArrayList<>();
        while (m.find()) names.add(m.group(1));
        assertTrue(names.size() >= 30, "parsed only " + names);
        boolean x86 = Arch.current().name().equals("x86_64");
        for (String name : names) {
            assertTrue(CHECKED.contains(name), name + " is in layout.c but NativeLayoutTest does not check it");
            if (x86 || !name.startsWith("user_regs_struct")) {
                assertTrue(LibDetsim.cLayout(name) >= 0, name + " unknown to the loaded libdetsim.so");
            }
        }
    }
}
