package dev.detsim.cli;

/** detsim's own exit statuses; otherwise it exits with the traced program's status. */
final class ExitCodes {
    static final int USAGE = 2;
    static final int INTERNAL = 70;
    /** Every thread of the program waited and none could wake another: detsim printed who waits on what. */
    static final int DEADLOCK = 86;
    static final int CANNOT_EXECUTE = 126;
    static final int NOT_FOUND = 127;

    private ExitCodes() {}
}
