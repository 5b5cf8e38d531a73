package dev.detsim.sandbox.handlers;

import dev.detsim.sandbox.syscall.Syscall;
import dev.detsim.sandbox.tracer.Disposition;
import dev.detsim.sandbox.tracer.SyscallHandler;
import dev.detsim.sandbox.tracer.SyscallStop;
import dev.detsim.sandbox.world.MachineFiles;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Set;

/**
 * Opens of the /proc and /sys files that describe the machine go to the virtual machine's files instead:
 * the path argument is rewritten (in the thread's stack scratch space) before the kernel runs the call,
 * so reads, fstat and close all work as usual on a real file. Only absolute paths are matched; opening
 * relative to a directory descriptor of /proc or /sys, and openat2, still see the host.
 */
public final class MachineFilesHandler implements SyscallHandler {
    private static final int MAX_PATH = 4096;
    private final MachineFiles files;

    public MachineFilesHandler(MachineFiles files) {
        this.files = files;
    }

    @Override
    public Set<Syscall> subscriptions() {
        return Set.of(Syscall.OPEN, Syscall.OPENAT); // OPEN only exists on x86_64; the filter skips it elsewhere
    }

    @Override
    public Disposition onSyscall(SyscallStop stop) {
        int pathArgument = stop.syscall() == Syscall.OPEN ? 0 : 1;
        String path = stop.memory().readCString(stop.tid(), stop.argument(pathArgument), MAX_PATH);
        if (path == null || !(path.startsWith("/proc/") || path.startsWith("/sys/"))) return Disposition.PASSTHROUGH;
        String replacement = files.replacement(path);
        if (replacement == null) return Disposition.PASSTHROUGH;
        byte[] bytes = Arrays.copyOf(replacement.getBytes(StandardCharsets.UTF_8), replacement.length() + 1);
        long scratch = stop.scratch(bytes.length);
        if (stop.memory().write(stop.tid(), scratch, bytes)) stop.setArgument(pathArgument, scratch);
        return Disposition.PASSTHROUGH;
    }
}
