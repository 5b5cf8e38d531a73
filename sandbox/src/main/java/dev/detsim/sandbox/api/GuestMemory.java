package dev.detsim.sandbox.api;

/**
 * A traced thread's memory, read and written from detsim. Writes through {@link #write} are data the program
 * sees, and the event log records their digest; {@link #writeScratch} is for what it never sees as data.
 */
public interface GuestMemory {
    /** {@link #readInt}'s answer where the 4 bytes cannot all be read. */
    long UNREADABLE = Long.MIN_VALUE;

    /** Up to max bytes at addr of thread tid (at most a page), fewer where memory ends; null if nothing is readable. */
    byte[] read(int tid, long addr, int max);

    /** The 4-byte word at addr of thread tid (the futex word's size), or {@link #UNREADABLE}. */
    long readInt(int tid, long addr);

    /** The 8-byte word at addr, or null if unreadable. */
    Long readWord(int tid, long addr);

    /** The NUL-terminated string at addr (at most max bytes), or null if unreadable. */
    String readCString(int tid, long addr, int max);

    /** Writes bytes at addr of thread tid (at most a page per call); false if the memory is not writable. */
    boolean write(int tid, long addr, byte[] bytes);

    /**
     * Writes bytes the program never sees as data (a redirected path in stack scratch space): they are not
     * part of the event log, since where detsim keeps its stand-in files differs between hosts and runs.
     */
    boolean writeScratch(int tid, long addr, byte[] bytes);
}
