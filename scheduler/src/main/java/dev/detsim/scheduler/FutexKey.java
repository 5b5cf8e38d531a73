package dev.detsim.scheduler;

/**
 * Which futex a waiter sleeps on. A FUTEX_PRIVATE_FLAG futex is keyed by (address space, address): the
 * same address in two processes is two futexes. A shared futex is keyed by its address alone, across all
 * processes. That is an approximation of Linux (which keys shared futexes by the backing page), exact when
 * processes share memory at the same address (fork, MAP_SHARED mapped before fork) and wrong only if two
 * processes map one shared page at different addresses, or different pages at one address, and both use
 * futexes there.
 *
 * @param addressSpace the process whose memory holds the word, or null for a shared futex
 */
public record FutexKey(ProcessId addressSpace, long address) {
    public static FutexKey privateTo(ProcessId process, long address) {
        if (process == null) throw new IllegalArgumentException("a private futex needs its process");
        return new FutexKey(process, address);
    }

    public static FutexKey shared(long address) {
        return new FutexKey(null, address);
    }

    public boolean isPrivate() {
        return addressSpace != null;
    }

    /** Linux refuses a futex word that is not 4-byte aligned with EINVAL. */
    boolean aligned() {
        return (address & 3) == 0;
    }

    @Override
    public String toString() {
        String where = "futex 0x" + Long.toHexString(address);
        return isPrivate() ? where + " (private to " + addressSpace + ")" : where + " (shared)";
    }
}
