package dev.detsim.sandbox.tracer;

import dev.detsim.sandbox.api.GuestMemory;
import java.util.OptionalLong;

/**
 * The auxiliary vector on a new program's stack (see getauxval(3)): at the exec stop the stack pointer
 * points at argc, then argv[argc] and a NULL, envp and a NULL, then (type, value) pairs up to AT_NULL.
 */
public final class AuxiliaryVector {
    public static final long AT_NULL = 0, AT_IGNORE = 1, AT_ENTRY = 9, AT_RANDOM = 25, AT_SYSINFO_EHDR = 33;
    private static final int MAX_WORDS = 1 << 20; // 8 MiB of stack: far past any real argv + envp

    private AuxiliaryVector() {}

    /**
     * The address of the value word of the first entry of type in the vector, if there is one. The stack is
     * read a page at a time (a word at a time cost one process_vm_readv per environment variable).
     */
    public static OptionalLong valueAddress(GuestMemory memory, int tid, long stackPointer, long type) {
        Words words = new Words(memory, tid);
        Long argc = words.at(stackPointer);
        if (argc == null || argc < 0) return OptionalLong.empty();
        long addr = stackPointer + 8 * (1 + argc + 1); // past argc, argv[] and its NULL
        for (int i = 0; i < MAX_WORDS; i++, addr += 8) { // envp up to its NULL
            Long w = words.at(addr);
            if (w == null) return OptionalLong.empty();
            if (w == 0) break;
        }
        addr += 8;
        for (int i = 0; i < MAX_WORDS; i++, addr += 16) {
            Long key = words.at(addr);
            if (key == null || key == AT_NULL) return OptionalLong.empty();
            if (key == type) return OptionalLong.of(addr + 8);
        }
        return OptionalLong.empty();
    }

    /** 8-byte words of a tracee's memory, read a page-sized window at a time. */
    private static final class Words {
        private final GuestMemory memory;
        private final int tid;
        private long start = -1;
        private java.nio.ByteBuffer window;

        Words(GuestMemory memory, int tid) {
            this.memory = memory;
            this.tid = tid;
        }

        Long at(long addr) {
            if (window == null || addr < start || addr + 8 > start + window.limit()) {
                byte[] b = memory.read(tid, addr, 4096);
                if (b == null || b.length < 8) return null;
                start = addr;
                window = java.nio.ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            }
            return window.getLong((int) (addr - start));
        }
    }
}
