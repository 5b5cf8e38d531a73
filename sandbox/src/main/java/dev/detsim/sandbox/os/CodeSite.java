package dev.detsim.sandbox.os;

import java.nio.file.Path;

/**
 * An instruction named by the file it was mapped from and its offset there: what a uprobe needs, and what names a
 * crash site the same way in every run (file offsets do not move with address-space layout).
 */
public record CodeSite(String file, long offset) {
    /**
     * Whether ip of thread tid lies in a page of the kernel's uprobe code ("[uprobes]", the out-of-line
     * single-step area, or "[uprobes-trampoline]"): Linux 6.18 turns a
     * uprobe on a 5-byte nop into a call to that page, and code there is not the program's (Go's preemption
     * signal handler, for one, will not preempt a thread stopped in it).
     */
    public static boolean inUprobeTrampoline(int tid, long ip) {
        MemoryMap.Mapping m = MemoryMap.at(tid, ip);
        return m != null && (m.name().equals("[uprobes]") || m.name().equals("[uprobes-trampoline]"));
    }

    /** Where address ip of thread tid comes from (/proc/TID/maps), or null if not from a file's code. */
    public static CodeSite of(int tid, long ip) {
        MemoryMap.Mapping m = MemoryMap.at(tid, ip);
        return m == null ? null : in(m, ip);
    }

    /** Where address ip, inside mapping m, comes from; null if m is not a file's executable mapping. */
    public static CodeSite in(MemoryMap.Mapping m, long ip) {
        if (!m.name().startsWith("/") || !m.executable()) return null;
        return new CodeSite(m.name(), ip - m.start() + m.offset());
    }

    /** The function that holds it ("name+0xN", {@link ElfSymbols}), or null when the file's symbols do not say. */
    public String function() {
        return ElfSymbols.functionAt(Path.of(file), offset);
    }

    /** "FILE:0xOFFSET (name+0xN)", or without the parenthesis when no symbol holds it. */
    public String describe() {
        String f = function();
        return f == null ? toString() : this + " (" + f + ")";
    }

    /** {@link #describe} for a return address: the function named is the one that made the call. */
    public String describeAsReturnAddress() {
        String f = ElfSymbols.callerAt(Path.of(file), offset);
        return f == null ? toString() : this + " (" + f + ")";
    }

    /** "FILE:0xOFFSET", the form --preempt-by probe: takes. */
    @Override
    public String toString() {
        return file + ":0x" + Long.toHexString(offset);
    }
}
