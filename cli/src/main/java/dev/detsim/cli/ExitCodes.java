package dev.detsim.cli;

/** detsim's own exit statuses; otherwise it exits with the traced program's status. */
final class ExitCodes {
    static final int USAGE = 2;
    /** replay: the recording cannot be read (corrupt, truncated, another format or version). */
    static final int RECORDING_UNREADABLE = 65;
    static final int INTERNAL = 70;
    /** Every thread of the program waited and none could wake another: detsim printed who waits on what. */
    static final int DEADLOCK = 86;
    /** replay: the run parted from the recording; detsim said at which event. */
    static final int REPLAY_DIVERGED = 87;
    /** replay: a file the recording depends on changed (or is gone); detsim named it and did not run. */
    static final int INPUTS_CHANGED = 88;
    static final int CANNOT_EXECUTE = 126;
    static final int NOT_FOUND = 127;

    private ExitCodes() {}
}
