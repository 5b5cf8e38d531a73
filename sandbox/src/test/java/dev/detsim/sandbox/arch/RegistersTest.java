package dev.detsim.sandbox.arch;

import static dev.detsim.sandbox.os.Ptrace.SYSCALL_INFO_ARGS;
import static dev.detsim.sandbox.os.Ptrace.SYSCALL_INFO_BYTES;
import static dev.detsim.sandbox.os.Ptrace.SYSCALL_INFO_IP;
import static dev.detsim.sandbox.os.Ptrace.SYSCALL_INFO_NR;
import static dev.detsim.sandbox.os.Ptrace.SYSCALL_INFO_SP;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

/** A seccomp stop loads number, arguments, ip and sp from ptrace_syscall_info; the rest comes only when needed. */
class RegistersTest {
    private static final long FULL_SET_MARK = 0x5eed;

    private static MemorySegment info(Arena arena) {
        MemorySegment info = arena.allocate(SYSCALL_INFO_BYTES, 8);
        info.set(JAVA_LONG, SYSCALL_INFO_NR, 39);
        for (int i = 0; i < 6; i++) info.set(JAVA_LONG, SYSCALL_INFO_ARGS + 8L * i, 100 + i);
        info.set(JAVA_LONG, SYSCALL_INFO_IP, 0x401000);
        info.set(JAVA_LONG, SYSCALL_INFO_SP, 0x7ffc0000);
        return info;
    }

    @Test
    void readingTheSyscallFetchesNothingMoreAndAChangeFetchesTheRestFirst() {
        Arch arch = Arch.current();
        try (Arena arena = Arena.ofConfined()) {
            Registers regs = new Registers(arch, arena);
            int[] fetches = {0};
            // The "rest" stands in for PTRACE_GETREGS: it fills the whole buffer, syscall fields included.
            regs.loadSyscallInfo(info(arena), SYSCALL_INFO_NR, SYSCALL_INFO_ARGS, SYSCALL_INFO_IP, SYSCALL_INFO_SP, raw -> {
                fetches[0]++;
                for (long off = 0; off + 8 <= raw.byteSize(); off += 8) raw.set(JAVA_LONG, off, FULL_SET_MARK);
                raw.set(JAVA_LONG, arch.syscallNumberOffset(), 39);
                for (int i = 0; i < 6; i++) raw.set(JAVA_LONG, arch.argumentOffset(i), 100 + i);
            });
            assertEquals(39, regs.syscallNumber());
            for (int i = 0; i < 6; i++) assertEquals(100 + i, regs.argument(i));
            assertEquals(0x401000, regs.instructionPointer());
            assertEquals(0x7ffc0000, regs.stackPointer());
            assertEquals(0, fetches[0], "number, arguments, ip and sp come from the syscall info");

            regs.setArgument(2, 7); // the rest is fetched before the change, which must survive it
            assertEquals(1, fetches[0]);
            assertEquals(7, regs.argument(2));
            assertEquals(FULL_SET_MARK, regs.returnValue());
            regs.raw();
            assertEquals(1, fetches[0], "fetched once");
        }
    }

    @Test
    void aFullFetchDropsWhatAPartialLoadStillOwed() {
        try (Arena arena = Arena.ofConfined()) {
            Registers regs = new Registers(Arch.current(), arena);
            int[] fetches = {0};
            regs.loadSyscallInfo(info(arena), SYSCALL_INFO_NR, SYSCALL_INFO_ARGS, SYSCALL_INFO_IP, SYSCALL_INFO_SP,
                    raw -> fetches[0]++);
            regs.forFetch(); // another thread's GETREGS goes into the buffer now
            regs.raw();
            regs.setReturnValue(-38);
            assertEquals(0, fetches[0], "the earlier stop's registers are not fetched over the new ones");
        }
    }
}
