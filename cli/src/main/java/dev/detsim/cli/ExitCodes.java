package dev.detsim.cli;

/** detsim's own exit statuses; otherwise it exits with the traced program's status. */
final class ExitCodes {
    static final int USAGE = 2;
    static final int INTERNAL = 70;
    static final int CANNOT_EXECUTE = 126;
    static final int NOT_FOUND = 127;

    private ExitCodes() {}
}
