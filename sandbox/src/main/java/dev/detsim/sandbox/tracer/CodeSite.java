package dev.detsim.sandbox.tracer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** An instruction named by the file it was mapped from and its offset there: what a uprobe needs. */
record CodeSite(String file, long offset) {
    /**
     * Whether ip of thread tid lies in a page of the kernel's uprobe code ("[uprobes]", the out-of-line
     * single-step area, or "[uprobes-trampoline]"): Linux 6.18 turns a
     * uprobe on a 5-byte nop into a call to that page, and code there is not the program's (Go's preemption
     * signal handler, for one, will not preempt a thread stopped in it).
     */
    static boolean inUprobeTrampoline(int tid, long ip) {
        try (var lines = Files.lines(Path.of("/proc/" + tid + "/maps"))) {
            for (String line : (Iterable<String>) lines::iterator) {
                if (!line.endsWith("[uprobes]") && !line.endsWith("[uprobes-trampoline]")) continue;
                String range = line.substring(0, line.indexOf(' '));
                int dash = range.indexOf('-');
                long start = Long.parseUnsignedLong(range.substring(0, dash), 16);
                long end = Long.parseUnsignedLong(range.substring(dash + 1), 16);
                if (Long.compareUnsigned(ip, start) >= 0 && Long.compareUnsigned(ip, end) < 0) return true;
            }
        } catch (IOException | RuntimeException e) {
            // the thread is gone: not there
        }
        return false;
    }

    /** Where address ip of thread tid comes from (/proc/TID/maps), or null if not from a file. */
    static CodeSite of(int tid, long ip) {
        try (var lines = Files.lines(Path.of("/proc/" + tid + "/maps"))) {
            for (String line : (Iterable<String>) lines::iterator) {
                // start-end perms offset dev inode path
                String[] f = line.trim().split("\\s+", 6);
                if (f.length < 6 || !f[5].startsWith("/")) continue;
                int dash = f[0].indexOf('-');
                long start = Long.parseUnsignedLong(f[0].substring(0, dash), 16);
                long end = Long.parseUnsignedLong(f[0].substring(dash + 1), 16);
                if (Long.compareUnsigned(ip, start) < 0 || Long.compareUnsigned(ip, end) >= 0) continue;
                if (f[1].indexOf('x') < 0) return null;
                return new CodeSite(f[5], ip - start + Long.parseUnsignedLong(f[2], 16));
            }
        } catch (IOException | RuntimeException e) {
            // the thread is gone, or an unexpected maps line: no site
        }
        return null;
    }

    /** "FILE:0xOFFSET", the form --preempt-by probe: takes. */
    @Override
    public String toString() {
        return file + ":0x" + Long.toHexString(offset);
    }
}
