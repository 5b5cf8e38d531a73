package dev.detsim.abi;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * struct pollfd {int fd; short events; short revents;}: one descriptor of a poll(2) or ppoll(2) array.
 *
 * @param events the wanted {@link Poll} events (unsigned 16 bits)
 * @param revents what the kernel reported (unsigned 16 bits)
 */
public record PollFd(int fd, int events, int revents) {
    public static final int SIZE = 8;
    /** Where the fields sit, for code that reads or writes pollfds in place (native memory). */
    public static final int FD = 0, EVENTS = 4, REVENTS = 6;

    /** The count entries of a pollfd array (raw holds at least count * SIZE bytes). */
    public static PollFd[] decodeAll(byte[] raw, int count) {
        ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        PollFd[] out = new PollFd[count];
        for (int i = 0; i < count; i++) {
            int at = i * SIZE;
            out[i] = new PollFd(b.getInt(at + FD), Short.toUnsignedInt(b.getShort(at + EVENTS)),
                    Short.toUnsignedInt(b.getShort(at + REVENTS)));
        }
        return out;
    }

    /** pollfds as the array poll(2) takes. */
    public static byte[] encodeAll(PollFd... pollfds) {
        ByteBuffer b = ByteBuffer.allocate(pollfds.length * SIZE).order(ByteOrder.LITTLE_ENDIAN);
        for (PollFd p : pollfds) b.putInt(p.fd).putShort((short) p.events).putShort((short) p.revents);
        return b.array();
    }
}
