package dev.detsim.sandbox.arch;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/** A thread's registers as the syscall machinery sees them: number, six arguments, result. */
public final class Registers {
    private final Arch arch;
    private final MemorySegment raw;

    public Registers(Arch arch, Arena arena) {
        this.arch = arch;
        this.raw = arena.allocate(arch.registerBytes(), 8);
    }

    /** Fetches the full register set into the buffer (PTRACE_GETREGS); for {@link #loadSyscallInfo}. */
    public interface Rest {
        void fetchInto(MemorySegment raw);
    }

    /** Set while only the syscall's number, arguments, ip and sp are loaded: fetches the rest on first need. */
    private Rest rest;

    /**
     * Loads a seccomp stop's number, arguments, instruction and stack pointer from a struct ptrace_syscall_info
     * (one ptrace call instead of GETREGS plus GETEVENTMSG). Everything else — the raw buffer, the result
     * register, any change — first fetches the full set through rest, so a stop that only reads its arguments
     * and runs on costs no more.
     */
    public void loadSyscallInfo(MemorySegment info, int nrAt, int argsAt, int ipAt, int spAt, Rest rest) {
        raw.set(JAVA_LONG, arch.syscallNumberOffset(), info.get(JAVA_LONG, nrAt));
        for (int i = 0; i < 6; i++) raw.set(JAVA_LONG, arch.argumentOffset(i), info.get(JAVA_LONG, argsAt + 8L * i));
        raw.set(JAVA_LONG, arch.instructionPointerOffset(), info.get(JAVA_LONG, ipAt));
        raw.set(JAVA_LONG, arch.stackPointerOffset(), info.get(JAVA_LONG, spAt));
        this.rest = rest;
    }

    /** Whether only what a struct ptrace_syscall_info holds is loaded (and nothing was changed since). */
    public boolean partial() {
        return rest != null;
    }

    /** The buffer for a full fetch (PTRACE_GETREGS): what a partial load still owed is no longer wanted. */
    public MemorySegment forFetch() {
        rest = null;
        return raw;
    }

    private void complete() {
        Rest r = rest;
        if (r == null) return;
        rest = null;
        r.fetchInto(raw);
    }

    /** The whole register set, as PTRACE_GETREGS / SETREGS use it (fetched in full first if need be). */
    public MemorySegment raw() {
        complete();
        return raw;
    }

    public long syscallNumber() {
        return raw.get(JAVA_LONG, arch.syscallNumberOffset());
    }

    /** Argument index 0..5 as the kernel sees it (x86_64: rdi rsi rdx r10 r8 r9). */
    public long argument(int index) {
        return raw.get(JAVA_LONG, arch.argumentOffset(index));
    }

    /** Changes argument index 0..5 (the tracer writes the registers back before the call runs). */
    public void setArgument(int index, long value) {
        complete();
        raw.set(JAVA_LONG, arch.argumentOffset(index), value);
    }

    public long returnValue() {
        complete();
        return raw.get(JAVA_LONG, arch.returnValueOffset());
    }

    public void setReturnValue(long value) {
        complete();
        raw.set(JAVA_LONG, arch.returnValueOffset(), value);
    }

    /** At a syscall's exit: the thread makes the same syscall again, with arguments, when it is resumed. */
    public void reissueSyscall(long[] arguments) {
        complete();
        arch.reissueSyscall(raw, syscallNumber(), arguments);
    }

    /** The registers rdtsc (rdtscp: withAux) would have left, and the instruction pointer after it. */
    public void setTimeStampCounter(long tsc, boolean withAux, long nextIp) {
        complete();
        arch.setTimeStampCounter(raw, tsc, withAux, nextIp);
    }

    public long instructionPointer() {
        return raw.get(JAVA_LONG, arch.instructionPointerOffset());
    }

    public long stackPointer() {
        return raw.get(JAVA_LONG, arch.stackPointerOffset());
    }
}
