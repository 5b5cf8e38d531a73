package dev.detsim.sandbox.tracer;

import dev.detsim.abi.Errno;

/** The program could not be started; the message is for the user. errno is the cause, as a value. */
public final class SpawnException extends Exception {
    private final int errno;

    public SpawnException(String what, int errno) {
        super(what + ": " + Errno.message(errno));
        this.errno = errno;
    }

    public int errno() {
        return errno;
    }
}
