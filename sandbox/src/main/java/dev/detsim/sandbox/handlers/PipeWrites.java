package dev.detsim.sandbox.handlers;

import dev.detsim.sandbox.api.AfterReturn;
import dev.detsim.sandbox.api.Disposition;
import dev.detsim.sandbox.api.SyscallStop;
import java.util.HashMap;
import java.util.Map;

/**
 * A blocking write(2) to a pipe, larger than a page, would wait in the kernel for the reader once the pipe is
 * full — and the reader is a traced thread detsim holds, so only the watchdog could end that wait, at a time
 * that depends on the host. POSIX makes only writes of at most PIPE_BUF bytes atomic, and Linux fills a pipe a
 * page (one buffer slot) at a time, so detsim lets the kernel write a page, makes the call again for the rest,
 * and parks the thread between pages while the pipe is full. The program sees one write that returns the
 * total, as natively; a signal that interrupts the wait returns what was written before it.
 */
final class PipeWrites {
    /** PIPE_BUF, and the size of a pipe buffer's slot: a write of at most this never waits while poll says POLLOUT. */
    static final long PAGE = 4096;

    /** Bytes of a write already in the pipe, by tid, while the rest is still to go. */
    private final Map<Integer, Long> written = new HashMap<>();

    /**
     * A write(fd, buf, count) of stop's thread, to run now (the pipe is writable, or a signal interrupted the
     * wait); PASSTHROUGH, with the count cut to a page and the rest made again after it returns.
     */
    Disposition run(SyscallStop stop, boolean interrupted) {
        int tid = stop.tid();
        long count = stop.argument(2);
        long done = written.getOrDefault(tid, 0L);
        if (done == 0 && (interrupted || count <= PAGE)) return Disposition.PASSTHROUGH;
        if (done == 0 && stop.descriptors().pipeSpace(tid, (int) stop.argument(0)) < 0) {
            return Disposition.PASSTHROUGH; // not a pipe
        }
        long chunk = interrupted ? count : Math.min(count, PAGE); // with a signal pending the kernel does not wait
        long[] args = new long[6];
        for (int i = 0; i < 6; i++) args[i] = stop.argument(i);
        if (chunk != count) stop.setArgument(2, chunk);
        stop.afterReturn(result -> {
            if (result < 0 || result < chunk || chunk == count) { // an error, a short write, or the last piece
                written.remove(tid);
                if (result < 0) return done > 0 ? AfterReturn.value(done) : AfterReturn.KEEP;
                return done > 0 ? AfterReturn.value(done + result) : AfterReturn.KEEP;
            }
            written.put(tid, done + result);
            args[1] += result;
            args[2] = count - result;
            return AfterReturn.again(args);
        });
        return Disposition.PASSTHROUGH;
    }
}
