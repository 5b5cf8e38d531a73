package dev.detsim.sandbox.tracer;

import dev.detsim.sandbox.os.MemoryMap;

/** An instruction named by the file it was mapped from and its offset there: what a uprobe needs. */
record CodeSite(String file, long offset) {
    /**
     * Whether ip of thread tid lies in a page of the kernel's uprobe code ("[uprobes]", the out-of-line
     * single-step area, or "[uprobes-trampoline]"): Linux 6.18 turns a
     * uprobe on a 5-byte nop into a call to that page, and code there is not the program's (Go's preemption
     * signal handler, for one, will not preempt a thread stopped in it).
     */
    static boolean inUprobeTrampoline(int tid, long ip) {
        MemoryMap.Mapping m = MemoryMap.at(tid, ip);
        return m != null && (m.name().equals("[uprobes]") || m.name().equals("[uprobes-trampoline]"));
    }

    /** Where address ip of thread tid comes from (/proc/TID/maps), or null if not from a file's code. */
    static CodeSite of(int tid, long ip) {
        MemoryMap.Mapping m = MemoryMap.at(tid, ip);
        if (m == null || !m.name().startsWith("/") || !m.executable()) return null;
        return new CodeSite(m.name(), ip - m.start() + m.offset());
    }

    /** "FILE:0xOFFSET", the form --preempt-by probe: takes. */
    @Override
    public String toString() {
        return file + ":0x" + Long.toHexString(offset);
    }
}
