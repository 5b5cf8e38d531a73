package dev.detsim.sandbox.tracer;

import java.util.OptionalLong;

/**
 * The auxiliary vector on a new program's stack (see getauxval(3)): at the exec stop the stack pointer
 * points at argc, then argv[argc] and a NULL, envp and a NULL, then (type, value) pairs up to AT_NULL.
 */
public final class AuxiliaryVector {
    public static final long AT_NULL = 0, AT_IGNORE = 1, AT_RANDOM = 25, AT_SYSINFO_EHDR = 33;
    private static final int MAX_WORDS = 1 << 20; // 8 MiB of stack: far past any real argv + envp

    private AuxiliaryVector() {}

    /** The address of the value word of the first entry of type in the vector, if there is one. */
    public static OptionalLong valueAddress(GuestMemory memory, int tid, long stackPointer, long type) {
        Long argc = memory.readWord(tid, stackPointer);
        if (argc == null || argc < 0) return OptionalLong.empty();
        long addr = stackPointer + 8 * (1 + argc + 1); // past argc, argv[] and its NULL
        for (int i = 0; i < MAX_WORDS; i++, addr += 8) { // envp up to its NULL
            Long w = memory.readWord(tid, addr);
            if (w == null) return OptionalLong.empty();
            if (w == 0) break;
        }
        addr += 8;
        for (int i = 0; i < MAX_WORDS; i++, addr += 16) {
            Long key = memory.readWord(tid, addr);
            if (key == null || key == AT_NULL) return OptionalLong.empty();
            if (key == type) return OptionalLong.of(addr + 8);
        }
        return OptionalLong.empty();
    }
}
