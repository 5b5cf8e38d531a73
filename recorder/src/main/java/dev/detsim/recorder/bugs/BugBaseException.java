package dev.detsim.recorder.bugs;

/** A bug base that cannot be read or written; the message says why in one line. */
public final class BugBaseException extends Exception {
    public BugBaseException(String message) {
        super(message);
    }
}
