package dev.detsim.sandbox.tracer;

import dev.detsim.recorder.EventLine;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** What handlers wrote into a tracee during one event: a byte count and a SHA-256 of (address, bytes). */
final class MemoryWrites {
    private final MessageDigest sha256;
    private long bytes;

    MemoryWrites() {
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    void reset() {
        sha256.reset();
        bytes = 0;
    }

    void add(long address, byte[] data) {
        for (int i = 0; i < 8; i++) sha256.update((byte) (address >>> (8 * i)));
        sha256.update(data);
        bytes += data.length;
    }

    /** Adds " wrote N bytes sha256:XXXXXXXXXXXXXXXX" to the event's detail, nothing when nothing was written. */
    void describeTo(EventLine line) {
        if (bytes == 0) return;
        line.text(" wrote ").decimal(bytes).text(" bytes sha256:").hex(sha256.digest(), 8);
    }
}
