package dev.detsim.abi;

/** The wait family's options and waitid's id types (sys/wait.h, linux/wait.h). */
public final class Wait {
    public static final int WNOHANG = 0x1, WUNTRACED = 0x2, WEXITED = 0x4, WCONTINUED = 0x8, WNOWAIT = 0x01000000;
    /**
     * Linux's own: __WNOTHREAD waits for this thread's children and tracees only (else the kernel walks those of
     * every thread of the process at each wait); __WALL for any of them, clone children or not.
     */
    public static final int WNOTHREAD = 0x20000000, WALL = 0x40000000;
    /** waitid's idtype. */
    public static final int P_ALL = 0, P_PID = 1, P_PGID = 2, P_PIDFD = 3;

    private Wait() {}
}
