package dev.detsim.sandbox.arch;

import dev.detsim.abi.Errno;
import dev.detsim.abi.OpenFlags;
import dev.detsim.abi.Stat;
import dev.detsim.sandbox.os.Posix;
import dev.detsim.sandbox.syscall.Syscall;
import dev.detsim.sandbox.syscall.SyscallTable;
import java.lang.foreign.MemorySegment;

/**
 * Everything that differs between CPU architectures: syscall numbers, the seccomp audit arch, and where
 * the syscall number, arguments and result sit in the registers. Nothing outside this package knows a
 * syscall number or a register name.
 */
public abstract sealed class Arch permits X86_64, Aarch64 {
    private final Syscall[] byNumber;
    private final int[] numbers;

    Arch(String tableColumn) {
        SyscallTable table = SyscallTable.get();
        numbers = new int[Syscall.values().length];
        int max = 0;
        for (Syscall s : Syscall.values()) {
            numbers[s.ordinal()] = table.number(s, tableColumn);
            max = Math.max(max, numbers[s.ordinal()]);
        }
        byNumber = new Syscall[max + 1];
        for (Syscall s : Syscall.values()) if (numbers[s.ordinal()] >= 0) byNumber[numbers[s.ordinal()]] = s;
    }

    /** The architecture this JVM runs on, or an {@link UnsupportedArchitectureException}. */
    public static Arch current() {
        return forName(System.getProperty("os.arch"));
    }

    public static Arch forName(String osArch) {
        return switch (osArch) {
            case "amd64", "x86_64" -> X86_64.INSTANCE;
            case "aarch64", "arm64" -> Aarch64.INSTANCE;
            default -> throw new UnsupportedArchitectureException(osArch);
        };
    }

    /** The kernel's name: "x86_64", "aarch64". */
    public abstract String name();

    /** open(2)'s flags here (O_DIRECTORY, O_NOFOLLOW, O_DIRECT, O_LARGEFILE and O_TMPFILE differ). */
    public final OpenFlags openFlags() {
        return OpenFlags.of(name());
    }

    /** Where struct stat's fields sit here. */
    public final Stat.Layout statLayout() {
        return Stat.Layout.of(name());
    }

    /** AUDIT_ARCH_* value that seccomp_data.arch holds for this architecture's native syscalls. */
    public abstract int auditArch();

    /** Bit that marks x32-ABI syscall numbers, or 0 where there is no such ABI. */
    public int foreignAbiBit() {
        return 0;
    }

    /** This architecture's number for s, or -1 where the syscall does not exist here. */
    public final int number(Syscall s) {
        return numbers[s.ordinal()];
    }

    /** The syscall with number nr, or null when nr is not a syscall of this architecture. */
    public final Syscall syscall(long nr) {
        return nr >= 0 && nr < byNumber.length ? byNumber[(int) nr] : null;
    }

    /** Largest syscall number this architecture defines. */
    public final int maxNumber() {
        return byNumber.length - 1;
    }

    /**
     * Which argument of clone(2) is child_tid (the address CLONE_CHILD_CLEARTID clears and wakes at exit):
     * x86_64 passes (flags, stack, parent_tid, child_tid, tls); aarch64, like most, (flags, stack, parent_tid,
     * tls, child_tid).
     */
    public abstract int cloneChildTidArgument();

    /**
     * Sets the registers an emulated rdtsc (or rdtscp, withAux) leaves: the counter in EDX:EAX (and
     * TSC_AUX 0 in ECX), and moves the instruction pointer past the instruction. Only x86 has one.
     */
    public void setTimeStampCounter(MemorySegment regs, long tsc, boolean withAux, long nextIp) {
        throw new UnsupportedOperationException(name() + " has no rdtsc");
    }

    /**
     * The user-mode state in a full register set (PTRACE_GETREGS), as words to compare between runs: everything
     * but what a stop itself leaves (x86's resume flag, which a breakpoint's stop sets and a signal's does not).
     */
    public long[] userState(MemorySegment regs) {
        return regs.asSlice(0, registerBytes()).toArray(java.lang.foreign.ValueLayout.JAVA_LONG);
    }

    /** The index of the flags word in {@link #userState}, or -1 where there is none. */
    public int flagsWord() {
        return -1;
    }

    /**
     * Makes the instruction at the thread's instruction pointer raise its breakpoints when it is resumed (x86:
     * clears the resume flag the kernel set at an execute breakpoint's stop, which would let it pass unseen).
     * Returns whether regs changed (they must then be stored).
     */
    public boolean clearResumeFlag(MemorySegment regs) {
        return false;
    }

    /**
     * Whether the 8 bytes that end just before an address end in a call instruction, so that the address can be a
     * return address (a crash report's stack scan: a word on the stack is taken for a caller only then).
     */
    public abstract boolean followsCall(byte[] eightBytesBefore);

    /** Size of the general-purpose register set detsim reads at a stop. */
    public abstract int registerBytes();

    /** Bytes of the instruction that makes a syscall (x86_64 syscall, aarch64 svc #0). */
    public abstract int syscallInstructionBytes();

    /** The instruction that makes a syscall, as bytes in memory. */
    public abstract byte[] syscallInstruction();

    /**
     * Whether a call leaves its return address at the top of the stack (x86_64 call) rather than in a register
     * (aarch64 bl: the link register): where a leaf function's caller can be read.
     */
    public boolean returnAddressOnStack() {
        return name().equals("x86_64");
    }

    /** Where the syscall instruction takes the number from (x86_64: rax; orig_rax is the kernel's copy). */
    abstract int issuedNumberOffset();

    /**
     * Makes a thread stopped at a syscall's exit make syscall nr again, with arguments, when it is resumed:
     * the instruction pointer goes back over the syscall instruction, and number and arguments are reloaded.
     */
    public void reissueSyscall(MemorySegment regs, long nr, long[] arguments) {
        regs.set(java.lang.foreign.ValueLayout.JAVA_LONG, instructionPointerOffset(),
                regs.get(java.lang.foreign.ValueLayout.JAVA_LONG, instructionPointerOffset()) - syscallInstructionBytes());
        regs.set(java.lang.foreign.ValueLayout.JAVA_LONG, issuedNumberOffset(), nr);
        for (int i = 0; i < arguments.length; i++) {
            regs.set(java.lang.foreign.ValueLayout.JAVA_LONG, argumentOffset(i), arguments[i]);
        }
    }

    abstract int syscallNumberOffset();

    abstract int argumentOffset(int index);

    abstract int returnValueOffset();

    abstract int instructionPointerOffset();

    abstract int stackPointerOffset();

    /** Reads thread tid's registers into regs; 0 or -errno. */
    public abstract long fetch(Posix posix, int tid, MemorySegment regs);

    /** Writes regs back to thread tid; 0 or -errno. */
    public abstract long store(Posix posix, int tid, MemorySegment regs);

    /**
     * Writes a new syscall number for a thread at a syscall or seccomp stop; -1 makes the kernel skip
     * the call and return the value in the return register. 0 or -errno.
     */
    public abstract long storeSyscallNumber(Posix posix, int tid, MemorySegment regs, long nr);

    /** Whether the full register set regs (PTRACE_GETREGS) is of a thread running 32-bit code (an i386 program). */
    public boolean compatMode(MemorySegment regs) {
        return false;
    }

    /**
     * Writes argument index of a thread at a syscall or seccomp stop, alone (the kernel runs the call with
     * it); 0 or -errno, -ENOSYS where the architecture can only write the whole register set.
     */
    public long storeArgument(Posix posix, int tid, int index, long value) {
        return -Errno.ENOSYS;
    }

    public static final class UnsupportedArchitectureException extends RuntimeException {
        UnsupportedArchitectureException(String arch) {
            super("detsim supports Linux on x86_64 and aarch64; this machine is " + arch);
        }
    }
}
