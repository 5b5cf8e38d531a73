package dev.detsim.sandbox.os;

/**
 * ptrace(2) request numbers, options, events and wait(2) status decoding. These are the same on every
 * Linux architecture detsim supports, except the register requests, which live in the arch layer.
 */
public final class Ptrace {
    public static final int PTRACE_CONT = 7;
    public static final int PTRACE_KILL = 8;
    public static final int PTRACE_SINGLESTEP = 9;
    public static final int PTRACE_SYSCALL = 24;
    public static final int PTRACE_SETOPTIONS = 0x4200;
    public static final int PTRACE_GETEVENTMSG = 0x4201;
    public static final int PTRACE_GETSIGINFO = 0x4202;
    public static final int PTRACE_GETREGSET = 0x4204;
    public static final int PTRACE_SETREGSET = 0x4205;
    public static final int PTRACE_SEIZE = 0x4206;
    public static final int PTRACE_INTERRUPT = 0x4207;
    public static final int PTRACE_LISTEN = 0x4208;
    /** Linux 5.3: struct ptrace_syscall_info of a syscall stop (number, arguments, ip, sp, seccomp data). */
    public static final int PTRACE_GET_SYSCALL_INFO = 0x420e;
    public static final int PTRACE_SYSCALL_INFO_SECCOMP = 3;
    /** struct ptrace_syscall_info (the same on every arch): op u8, arch u32 at 4, ip, sp, then for a seccomp
     * stop nr, args[6] and ret_data u32; 88 bytes with padding. */
    public static final int SYSCALL_INFO_BYTES = 88, SYSCALL_INFO_ARCH = 4, SYSCALL_INFO_IP = 8, SYSCALL_INFO_SP = 16,
            SYSCALL_INFO_NR = 24, SYSCALL_INFO_ARGS = 32, SYSCALL_INFO_RET_DATA = 80;

    public static final int O_TRACESYSGOOD = 1;
    public static final int O_TRACEFORK = 1 << 1;
    public static final int O_TRACEVFORK = 1 << 2;
    public static final int O_TRACECLONE = 1 << 3;
    public static final int O_TRACEEXEC = 1 << 4;
    public static final int O_TRACEVFORKDONE = 1 << 5;
    public static final int O_TRACEEXIT = 1 << 6;
    public static final int O_TRACESECCOMP = 1 << 7;
    public static final int O_EXITKILL = 1 << 20;

    public static final int EVENT_FORK = 1;
    public static final int EVENT_VFORK = 2;
    public static final int EVENT_CLONE = 3;
    public static final int EVENT_EXEC = 4;
    public static final int EVENT_VFORK_DONE = 5;
    public static final int EVENT_EXIT = 6;
    public static final int EVENT_SECCOMP = 7;
    public static final int EVENT_STOP = 128;

    private Ptrace() {}

    public static boolean exited(int status) {
        return (status & 0x7f) == 0;
    }

    public static int exitCode(int status) {
        return (status >> 8) & 0xff;
    }

    public static boolean signaled(int status) {
        return (status & 0x7f) != 0 && (status & 0x7f) != 0x7f;
    }

    public static int termSignal(int status) {
        return status & 0x7f;
    }

    public static boolean coreDumped(int status) {
        return (status & 0x80) != 0;
    }

    public static boolean stopped(int status) {
        return (status & 0xff) == 0x7f;
    }

    public static int stopSignal(int status) {
        return (status >> 8) & 0xff;
    }

    /** The PTRACE_EVENT_* of a stop, 0 for a signal-delivery or syscall stop. */
    public static int event(int status) {
        return (status >> 16) & 0xffff;
    }
}
