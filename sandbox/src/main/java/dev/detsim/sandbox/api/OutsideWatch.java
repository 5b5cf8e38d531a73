package dev.detsim.sandbox.api;

/**
 * A handler that keeps what comes from the run's outside peers (record), or plays those peers (replay): the
 * tracer tells it each time detsim is about to look at the world outside the run — before a syscall's
 * handlers decide, and before the scheduler chooses the next thread — so that what arrived can be tied to a
 * point of the run that replay reaches again.
 */
public interface OutsideWatch {
    /**
     * detsim is about to look: events have been logged so far. counted is false for a look right after a real-time
     * wait for outside input that saw nothing (record makes as many of those as the host's timing gives), and for
     * a second look at the same point. betweenTurns: no thread runs (the scheduler is about to choose), the one
     * point where a signal from outside is let in. True if it sent the program a signal.
     */
    boolean look(Descriptors descriptors, long events, boolean counted, boolean betweenTurns);

    /**
     * The program started as host process rootPid. A watch that {@link #holdsSignals} now takes the termination
     * signals sent to detsim (which would otherwise go straight to rootPid) and lets them in at its looks.
     */
    default void started(int rootPid) {}

    /** Whether detsim may still write into the file /proc names link (the program's stdin pipe, say). */
    default boolean feeds(String link) {
        return false;
    }

    /** Whether signals sent to detsim reach the program only through this watch's looks. */
    default boolean holdsSignals() {
        return false;
    }

    /**
     * Every thread waits for something outside and no deadline is near: at replay, gives the run what it waited
     * for at record (the next recorded arrival, or signal), true if there was one. At record: true if input
     * came that the next look lets in (stdin's bytes).
     */
    boolean giveNext(Descriptors descriptors);

    /**
     * Whether a socket can still become ready from outside the run: false at replay once every recorded arrival
     * was given (then nothing outside is left to end a wait on a socket).
     */
    boolean socketsReachable();
}
