package dev.detsim.sandbox.handlers;

import dev.detsim.sandbox.api.Disposition;
import dev.detsim.sandbox.api.GuestMemory;
import dev.detsim.sandbox.api.SyscallStop;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The iovec array of a readv or writev that detsim parks. The kernel copies that array when the call
 * starts, so a blocked writev writes what the array said then, whatever the program's other threads
 * change in it meanwhile; a call that detsim parks runs in the kernel only later, and would read the
 * array as it is then. The array is kept when the call parks and put back in place for the kernel's run,
 * and the program's own array is restored when the call returns (no other thread runs in between).
 */
final class ParkedIovecs {
    /** UIO_MAXIOV: more is EINVAL from the kernel. */
    private static final int MAX_IOVECS = 1024, IOVEC_BYTES = 16, PAGE = 4096;
    private record Kept(long address, byte[] bytes) {}

    private final Map<Integer, Kept> kept = new HashMap<>();

    /** d is the disposition of readv or writev (iovec array in argument 1, count in 2) at stop. */
    Disposition apply(SyscallStop stop, Disposition d) {
        int tid = stop.tid();
        if (stop.wakeUp().isEmpty()) kept.remove(tid); // a new call: what was kept for tid was of an earlier one
        long address = stop.argument(1);
        if (d instanceof Disposition.Block) {
            if (!kept.containsKey(tid)) {
                byte[] bytes = read(stop, address, stop.argument(2));
                if (bytes != null) kept.put(tid, new Kept(address, bytes));
            }
            return d;
        }
        Kept k = kept.remove(tid);
        if (k == null || k.address() != address || !(d instanceof Disposition.Passthrough)) return d;
        byte[] now = read(stop, address, k.bytes().length / IOVEC_BYTES);
        if (now == null || Arrays.equals(now, k.bytes())) return d;
        GuestMemory memory = stop.memory();
        if (!write(memory, tid, address, k.bytes())) return d;
        stop.onReturn(result -> write(memory, tid, address, now));
        return d;
    }

    private static byte[] read(SyscallStop stop, long address, long count) {
        if (count <= 0 || count > MAX_IOVECS) return null;
        int length = (int) count * IOVEC_BYTES;
        byte[] out = new byte[length];
        for (int done = 0; done < length; ) {
            byte[] part = stop.memory().read(stop.tid(), address + done, Math.min(PAGE, length - done));
            if (part == null || part.length == 0) return null;
            System.arraycopy(part, 0, out, done, part.length);
            done += part.length;
        }
        return out;
    }

    private static boolean write(GuestMemory memory, int tid, long address, byte[] bytes) {
        for (int done = 0; done < bytes.length; ) {
            long at = address + done;
            int n = (int) Math.min(PAGE - (at & (PAGE - 1)), bytes.length - done);
            if (!memory.write(tid, at, Arrays.copyOfRange(bytes, done, done + n))) return false;
            done += n;
        }
        return true;
    }
}
