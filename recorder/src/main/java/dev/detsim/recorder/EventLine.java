package dev.detsim.recorder;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The canonical line of the event being appended, built in place: the tracer writes a syscall's detail piece
 * by piece here at every stop instead of concatenating Strings (which cost it ~3 µs a stop in allocation and
 * cache misses). Obtained from {@link EventLog#begin}, ended by {@link EventLog#end}; the bytes are exactly
 * those of {@link EventLogFormat#canonical} for the same fields, escapes and UTF-8 included.
 */
public final class EventLine {
    private byte[] bytes = new byte[256];
    private int length;

    EventLine() {}

    void clear() {
        length = 0;
    }

    byte[] bytes() {
        return bytes;
    }

    int length() {
        return length;
    }

    /** Text, escaped as the format requires (backslash, tab, newline), UTF-8 encoded. */
    public EventLine text(String s) {
        int n = s.length();
        room(n);
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c >= 0x80) return utf8(s, i);
            switch (c) {
                case '\\' -> two('\\', '\\');
                case '\t' -> two('\\', 't');
                case '\n' -> two('\\', 'n');
                default -> bytes[length++] = (byte) c;
            }
        }
        return this;
    }

    /** One ASCII character that needs no escape (never backslash, tab or newline). */
    public EventLine put(char c) {
        room(1);
        bytes[length++] = (byte) c;
        return this;
    }

    /** v in decimal, as Long.toString writes it. */
    public EventLine decimal(long v) {
        if (v < 0) {
            if (v == Long.MIN_VALUE) return text(Long.toString(v));
            put('-');
            v = -v;
        }
        room(19);
        int digits = 1;
        for (long r = v / 10; r != 0; r /= 10) digits++;
        for (int i = length + digits - 1; i >= length; i--) {
            bytes[i] = (byte) ('0' + v % 10);
            v /= 10;
        }
        length += digits;
        return this;
    }

    /** v as unsigned lower-case hex without leading zeros, as Long.toHexString writes it. */
    public EventLine hex(long v) {
        room(16);
        int digits = Math.max(1, (64 - Long.numberOfLeadingZeros(v) + 3) / 4);
        for (int i = digits - 1; i >= 0; i--) {
            bytes[length++] = (byte) "0123456789abcdef".charAt((int) (v >>> (4 * i)) & 0xf);
        }
        return this;
    }

    /** The first n bytes of b as lower-case hex, two digits each. */
    public EventLine hex(byte[] b, int n) {
        room(2 * n);
        for (int i = 0; i < n; i++) {
            bytes[length++] = (byte) "0123456789abcdef".charAt((b[i] >>> 4) & 0xf);
            bytes[length++] = (byte) "0123456789abcdef".charAt(b[i] & 0xf);
        }
        return this;
    }

    @Override
    public String toString() {
        return new String(bytes, 0, length, StandardCharsets.UTF_8);
    }

    /** The rest of s from index from, which holds a non-ASCII character: the slow way. */
    private EventLine utf8(String s, int from) {
        byte[] rest = EventLogFormat.escape(s.substring(from)).getBytes(StandardCharsets.UTF_8);
        room(rest.length);
        System.arraycopy(rest, 0, bytes, length, rest.length);
        length += rest.length;
        return this;
    }

    private void two(char a, char b) {
        room(2);
        bytes[length++] = (byte) a;
        bytes[length++] = (byte) b;
    }

    private void room(int n) {
        if (length + n > bytes.length) bytes = Arrays.copyOf(bytes, Math.max(2 * bytes.length, length + n));
    }
}
