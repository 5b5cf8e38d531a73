package dev.detsim.sandbox.tracer;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

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

    /** " wrote N bytes sha256:XXXXXXXXXXXXXXXX" for the event's detail, or "" when nothing was written. */
    String describe() {
        if (bytes == 0) return "";
        return " wrote " + bytes + " bytes sha256:" + HexFormat.of().formatHex(sha256.digest(), 0, 8);
    }
}
