package dev.detsim.recorder;

/** A recording that cannot be used: its message is one line for the user, naming the file and what is wrong. */
public final class RecordingException extends Exception {
    public RecordingException(String message) {
        super(message, null, false, false);
    }
}
