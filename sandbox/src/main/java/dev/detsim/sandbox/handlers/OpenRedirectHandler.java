package dev.detsim.sandbox.handlers;

import dev.detsim.sandbox.syscall.Syscall;
import dev.detsim.sandbox.api.Disposition;
import dev.detsim.sandbox.api.SyscallHandler;
import dev.detsim.sandbox.api.SyscallStop;
import dev.detsim.sandbox.world.PathRedirect;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * The open family: opens of paths that the virtual world stands in for (the machine's /proc and /sys files and
 * /etc/hosts, the random devices) go to detsim's files instead. The path argument is rewritten in the thread's stack
 * scratch space before the kernel runs the call, so reads, fstat and close then work as usual on a real
 * file. Only absolute paths are matched; opens relative to a directory descriptor, and openat2, are not.
 */
public final class OpenRedirectHandler implements SyscallHandler {
    private static final int MAX_PATH = 4096;
    private final List<PathRedirect> redirects;

    public OpenRedirectHandler(List<PathRedirect> redirects) {
        this.redirects = List.copyOf(redirects);
    }

    @Override
    public Set<Syscall> subscriptions() {
        return Set.of(Syscall.OPEN, Syscall.OPENAT); // OPEN only exists on x86_64; the filter skips it elsewhere
    }

    @Override
    public Disposition onSyscall(SyscallStop stop) {
        int pathArgument = stop.syscall() == Syscall.OPEN ? 0 : 1;
        String path = stop.memory().readCString(stop.tid(), stop.argument(pathArgument), MAX_PATH);
        if (path == null) return Disposition.PASSTHROUGH; // each redirect knows its own paths (a map lookup)
        for (PathRedirect r : redirects) {
            PathRedirect.Target target = r.redirect(path);
            if (target == null) continue;
            byte[] utf8 = target.path().getBytes(StandardCharsets.UTF_8), bytes = Arrays.copyOf(utf8, utf8.length + 1);
            long scratch = stop.scratch(bytes.length);
            if (!stop.memory().writeScratch(stop.tid(), scratch, bytes)) break;
            stop.setArgument(pathArgument, scratch);
            if (target.clearFlags() != 0) {
                stop.setArgument(pathArgument + 1, stop.argument(pathArgument + 1) & ~target.clearFlags());
            }
            break;
        }
        return Disposition.PASSTHROUGH;
    }
}
