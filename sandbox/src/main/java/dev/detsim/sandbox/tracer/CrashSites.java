package dev.detsim.sandbox.tracer;

import static dev.detsim.sandbox.os.Ptrace.PTRACE_GETSIGINFO;

import dev.detsim.abi.Siginfo;
import dev.detsim.abi.Signals;
import dev.detsim.sandbox.os.CodeSite;
import dev.detsim.sandbox.os.MemoryMap;
import java.lang.foreign.ValueLayout;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Where a process crashed: at the delivery stop of a signal the kernel raised for an instruction (SIGSEGV, SIGBUS,
 * SIGILL, SIGFPE, SIGTRAP, with a positive si_code) or of SIGABRT (abort(3), sent by the process to itself), the
 * thread's instruction pointer as FILE:0xOFFSET with its function. The last such signal of each process is kept;
 * when the process then dies of that signal, that is its crash site.
 *
 * <p>A fault the program handles (a JVM's safepoint polls and null checks are SIGSEGVs) costs one /proc/TID/status
 * read: its instruction pointer is kept as a number, and placed in a file only if the handler then dies of the same
 * signal by raising it again (Python's faulthandler, sanitizers) — at that delivery, while the process is alive.
 * Function names are looked up only for the site reported at the end.
 *
 * <p>SIGABRT's instruction is in libc's raise; the caller is found by scanning the stack upward from the stack
 * pointer (one page at most) for the first word that points into executable code of another file just after a
 * call instruction — a heuristic: a stale word in a libc frame can pass for a caller, and a caller in libc itself
 * (assert's __assert_fail) is passed over for the one that called it.
 */
final class CrashSites {
    private static final int SCAN_BYTES = 4096;

    /** A crash placed in its files: the instruction, and for SIGABRT the caller found (or null). */
    private record Crash(int signal, CodeSite site, CodeSite caller) {}

    /** A fault a handler is to see, not yet placed in a file. */
    private record Handled(int signal, long ip) {}

    private final TracedRun run;
    private final Map<Integer, Crash> byProcess = new HashMap<>();
    private final Map<Integer, Handled> handled = new HashMap<>();

    CrashSites(TracedRun run) {
        this.run = run;
    }

    /** Whether signal can name a crash site. */
    static boolean isCrashSignal(int signal) {
        return signal == Signals.SIGSEGV || signal == Signals.SIGBUS || signal == Signals.SIGILL
                || signal == Signals.SIGFPE || signal == Signals.SIGTRAP || signal == Signals.SIGABRT;
    }

    /** t is at the delivery stop of signal: keep where it is, if the kernel raised the signal there (or abort did). */
    void delivering(Tracee t, int signal) {
        if (!isCrashSignal(signal)) return;
        if (run.posix.ptrace(PTRACE_GETSIGINFO, t.tid, 0, run.siginfo.address()) < 0) return;
        int code = run.siginfo.get(ValueLayout.JAVA_INT, Siginfo.SI_CODE);
        boolean caught = (SignalMasks.read(t.tid).caught() & SignalMasks.bit(signal)) != 0;
        if (signal != Signals.SIGABRT && code <= 0) { // sent by kill or tgkill: no instruction raised it here
            Handled earlier = handled.get(t.tgid);
            if (!caught && earlier != null && earlier.signal() == signal) { // a handler raising its fault again
                CodeSite site = CodeSite.of(t.tid, earlier.ip());
                if (site != null) byProcess.put(t.tgid, new Crash(signal, site, null));
            }
            return;
        }
        if (run.regsOf(t) == null) return;
        long ip = run.regs.instructionPointer();
        if (caught && signal != Signals.SIGABRT) {
            handled.put(t.tgid, new Handled(signal, ip));
            return;
        }
        List<MemoryMap.Mapping> maps = MemoryMap.of(t.tid);
        CodeSite site = siteIn(maps, ip);
        if (site == null) return;
        CodeSite caller = signal == Signals.SIGABRT ? callerOutside(t, maps, site.file(), run.regs.stackPointer()) : null;
        byProcess.put(t.tgid, new Crash(signal, site, caller));
    }

    /**
     * The crash site of process tgid if it died of signal and a delivery of signal was seen, else null:
     * "FILE:0xOFFSET (function+0xN)", and for SIGABRT " called from " the caller found.
     */
    String siteOf(int tgid, int signal) {
        Crash c = byProcess.get(tgid);
        if (c == null || c.signal() != signal) return null;
        return c.site().describe() + (c.caller() == null ? "" : " called from " + c.caller().describeAsReturnAddress());
    }

    private static CodeSite siteIn(List<MemoryMap.Mapping> maps, long address) {
        for (MemoryMap.Mapping m : maps) if (m.contains(address)) return CodeSite.in(m, address);
        return null;
    }

    /** The first return address on t's stack above sp that is in another file's code, after a call; or null. */
    private CodeSite callerOutside(Tracee t, List<MemoryMap.Mapping> maps, String file, long sp) {
        byte[] stack = run.memory.read(t.tid, sp, SCAN_BYTES);
        if (stack == null) return null;
        java.nio.ByteBuffer words = java.nio.ByteBuffer.wrap(stack).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i + 8 <= stack.length; i += 8) {
            long word = words.getLong(i);
            CodeSite candidate = siteIn(maps, word);
            if (candidate == null || candidate.file().equals(file)) continue;
            byte[] before = run.memory.read(t.tid, word - 8, 8);
            if (before != null && before.length == 8 && run.arch.followsCall(before)) return candidate;
        }
        return null;
    }
}
