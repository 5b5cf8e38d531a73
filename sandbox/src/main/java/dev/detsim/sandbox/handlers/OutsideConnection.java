package dev.detsim.sandbox.handlers;

import dev.detsim.sandbox.world.StandInPeer;

/**
 * A connection an outside client made to the run (record), or a stand-in makes (replay); or one the program made
 * to an outside server.
 */
final class OutsideConnection {
    int tgid = -1, fd = -1, copy = -1;
    /** Bytes that arrived by the last look (record: seen; replay: given), and that the program read. */
    long arrived, consumed;
    boolean eof;
    StandInPeer standIn;
    String peer;
    /** For a connection the program made: the outside server's address. */
    String server;

    long unread() {
        return arrived - consumed;
    }

    boolean ended() {
        return eof;
    }

    int copy() {
        return copy;
    }

    void consumed(long n) {
        consumed += n;
    }
}
