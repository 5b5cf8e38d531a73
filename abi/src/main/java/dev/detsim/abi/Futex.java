package dev.detsim.abi;

/** futex(2): operations, the flags or-ed into them, and the encoding of FUTEX_WAKE_OP's operation (linux/futex.h). */
public final class Futex {
    public static final int FUTEX_WAIT = 0, FUTEX_WAKE = 1, FUTEX_FD = 2, FUTEX_REQUEUE = 3, FUTEX_CMP_REQUEUE = 4,
            FUTEX_WAKE_OP = 5, FUTEX_LOCK_PI = 6, FUTEX_UNLOCK_PI = 7, FUTEX_TRYLOCK_PI = 8, FUTEX_WAIT_BITSET = 9,
            FUTEX_WAKE_BITSET = 10, FUTEX_WAIT_REQUEUE_PI = 11, FUTEX_CMP_REQUEUE_PI = 12, FUTEX_LOCK_PI2 = 13;
    /** Or-ed into an operation: the futex is private to the caller's process. */
    public static final int FUTEX_PRIVATE_FLAG = 128;
    /** Or-ed into FUTEX_WAIT_BITSET (and the PI waits): the absolute timeout is on CLOCK_REALTIME. */
    public static final int FUTEX_CLOCK_REALTIME = 256;
    public static final int FUTEX_WAKE_PRIVATE = FUTEX_WAKE | FUTEX_PRIVATE_FLAG;
    /** The bitset plain FUTEX_WAIT and FUTEX_WAKE use: every bit. */
    public static final int FUTEX_BITSET_MATCH_ANY = 0xffff_ffff;

    /** FUTEX_WAKE_OP's operations on the second word (bits 28-30 of val3; bit 31 FUTEX_OP_OPARG_SHIFT). */
    public static final int FUTEX_OP_SET = 0, FUTEX_OP_ADD = 1, FUTEX_OP_OR = 2, FUTEX_OP_ANDN = 3, FUTEX_OP_XOR = 4;
    /** FUTEX_WAKE_OP's operation argument is a shift: the operand is 1 << oparg. */
    public static final int FUTEX_OP_OPARG_SHIFT = 8;
    /** FUTEX_WAKE_OP's comparisons of the second word's old value (bits 24-27 of val3). */
    public static final int FUTEX_OP_CMP_EQ = 0, FUTEX_OP_CMP_NE = 1, FUTEX_OP_CMP_LT = 2, FUTEX_OP_CMP_LE = 3,
            FUTEX_OP_CMP_GT = 4, FUTEX_OP_CMP_GE = 5;

    private static final String[] NAMES = {"FUTEX_WAIT", "FUTEX_WAKE", "FUTEX_FD", "FUTEX_REQUEUE",
        "FUTEX_CMP_REQUEUE", "FUTEX_WAKE_OP", "FUTEX_LOCK_PI", "FUTEX_UNLOCK_PI", "FUTEX_TRYLOCK_PI",
        "FUTEX_WAIT_BITSET", "FUTEX_WAKE_BITSET", "FUTEX_WAIT_REQUEUE_PI", "FUTEX_CMP_REQUEUE_PI", "FUTEX_LOCK_PI2"};

    private Futex() {}

    /** The operation of op without its flags (FUTEX_PRIVATE_FLAG, FUTEX_CLOCK_REALTIME). */
    public static int command(int op) {
        return op & ~(FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME);
    }

    /** "FUTEX_WAIT" for 0; null for a number that names no operation. */
    public static String name(int command) {
        return command >= 0 && command < NAMES.length ? NAMES[command] : null;
    }
}
