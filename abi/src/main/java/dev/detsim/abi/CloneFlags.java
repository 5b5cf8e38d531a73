package dev.detsim.abi;

import java.util.List;

/** clone(2)'s flags (linux/sched.h); the low byte (CSIGNAL) is the signal the child sends its parent at exit. */
public final class CloneFlags {
    public static final long CSIGNAL = 0xff, CLONE_VM = 0x100, CLONE_FS = 0x200, CLONE_FILES = 0x400,
            CLONE_SIGHAND = 0x800, CLONE_PIDFD = 0x1000, CLONE_PTRACE = 0x2000, CLONE_VFORK = 0x4000,
            CLONE_PARENT = 0x8000, CLONE_THREAD = 0x10000, CLONE_NEWNS = 0x20000, CLONE_SYSVSEM = 0x40000,
            CLONE_SETTLS = 0x80000, CLONE_PARENT_SETTID = 0x100000, CLONE_CHILD_CLEARTID = 0x200000,
            CLONE_DETACHED = 0x400000, CLONE_UNTRACED = 0x800000, CLONE_CHILD_SETTID = 0x1000000;

    /** The flags above CSIGNAL by name, lowest bit first (for printing a flags word). */
    public static final List<Flag> NAMES = List.of(new Flag(CLONE_VM, "CLONE_VM"), new Flag(CLONE_FS, "CLONE_FS"),
            new Flag(CLONE_FILES, "CLONE_FILES"), new Flag(CLONE_SIGHAND, "CLONE_SIGHAND"),
            new Flag(CLONE_PIDFD, "CLONE_PIDFD"), new Flag(CLONE_PTRACE, "CLONE_PTRACE"),
            new Flag(CLONE_VFORK, "CLONE_VFORK"), new Flag(CLONE_PARENT, "CLONE_PARENT"),
            new Flag(CLONE_THREAD, "CLONE_THREAD"), new Flag(CLONE_NEWNS, "CLONE_NEWNS"),
            new Flag(CLONE_SYSVSEM, "CLONE_SYSVSEM"), new Flag(CLONE_SETTLS, "CLONE_SETTLS"),
            new Flag(CLONE_PARENT_SETTID, "CLONE_PARENT_SETTID"), new Flag(CLONE_CHILD_CLEARTID, "CLONE_CHILD_CLEARTID"),
            new Flag(CLONE_DETACHED, "CLONE_DETACHED"), new Flag(CLONE_UNTRACED, "CLONE_UNTRACED"),
            new Flag(CLONE_CHILD_SETTID, "CLONE_CHILD_SETTID"));

    private CloneFlags() {}
}
