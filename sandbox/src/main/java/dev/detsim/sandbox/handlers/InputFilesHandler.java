package dev.detsim.sandbox.handlers;

import static dev.detsim.abi.AtFlags.AT_FDCWD;
import static dev.detsim.abi.AtFlags.AT_SYMLINK_FOLLOW;
import static dev.detsim.abi.AtFlags.AT_SYMLINK_NOFOLLOW;
import static dev.detsim.abi.OpenFlags.O_ACCMODE;
import static dev.detsim.abi.OpenFlags.O_CREAT;
import static dev.detsim.abi.OpenFlags.O_TRUNC;

import dev.detsim.abi.OpenHow;
import dev.detsim.sandbox.api.Disposition;
import dev.detsim.sandbox.api.SyscallHandler;
import dev.detsim.sandbox.api.SyscallStop;
import dev.detsim.sandbox.arch.Arch;
import dev.detsim.sandbox.syscall.Syscall;
import dev.detsim.sandbox.world.InputFiles;
import java.util.Set;

/**
 * For `detsim record`: tells {@link InputFiles} which existing files the program reads, and which files it is
 * about to change, replace, remove or create, at the call's entry — before the kernel runs it, so that what a
 * file was like before the run can still be copied. Every call runs unchanged.
 *
 * <p>It subscribes to the calls that stop for {@link FileChangeHandler} anyway, no others: a recorded run must
 * make the same stops as a plain one, or its schedule, and so its digest, would differ.
 */
public final class InputFilesHandler implements SyscallHandler {
    private static final int O_NOFOLLOW = Arch.current().openFlags().O_NOFOLLOW;

    private final InputFiles inputs;
    private final GuestFiles files;

    public InputFilesHandler(InputFiles inputs, boolean privateTmp) {
        this.inputs = inputs;
        this.files = new GuestFiles(privateTmp);
    }

    @Override
    public Set<Syscall> subscriptions() {
        return FileChangeHandler.FILE_CHANGES; // fchmod and fchown by descriptor it lets pass (a limit: RECORDING.md)
    }

    @Override
    public Disposition onSyscall(SyscallStop stop) {
        switch (stop.syscall()) {
            case OPEN -> open(stop, AT_FDCWD, 0, (int) stop.argument(1));
            case OPENAT -> open(stop, (int) stop.argument(0), 1, (int) stop.argument(2));
            case OPENAT2 -> {
                byte[] how = stop.memory().read(stop.tid(), stop.argument(2), OpenHow.SIZE);
                if (how != null && how.length == OpenHow.SIZE) {
                    open(stop, (int) stop.argument(0), 1, (int) OpenHow.decode(how).flags());
                }
            }
            case CREAT -> changing(stop, AT_FDCWD, 0, true);
            case TRUNCATE, CHMOD, CHOWN, UTIMES, UTIME -> changing(stop, AT_FDCWD, 0, true);
            case LCHOWN -> changing(stop, AT_FDCWD, 0, false);
            case UNLINK, RMDIR -> changing(stop, AT_FDCWD, 0, false);
            case UNLINKAT -> changing(stop, (int) stop.argument(0), 1, false);
            case MKDIR, MKNOD -> creating(stop, AT_FDCWD, 0);
            case MKDIRAT, MKNODAT -> creating(stop, (int) stop.argument(0), 1);
            case SYMLINK -> creating(stop, AT_FDCWD, 1);
            case SYMLINKAT -> creating(stop, (int) stop.argument(1), 2);
            case LINK -> creating(stop, AT_FDCWD, 1);
            case LINKAT -> creating(stop, (int) stop.argument(2), 3);
            case RENAME -> {
                changing(stop, AT_FDCWD, 0, false);
                changing(stop, AT_FDCWD, 1, false);
            }
            case RENAMEAT, RENAMEAT2 -> {
                changing(stop, (int) stop.argument(0), 1, false);
                changing(stop, (int) stop.argument(2), 3, false);
            }
            case FCHMODAT -> changing(stop, (int) stop.argument(0), 1, true);
            case FCHOWNAT -> changing(stop, (int) stop.argument(0), 1,
                    (stop.argument(4) & AT_SYMLINK_NOFOLLOW) == 0 || (stop.argument(4) & AT_SYMLINK_FOLLOW) != 0);
            case UTIMENSAT, FUTIMESAT -> {
                if (stop.argument(1) != 0) {
                    changing(stop, (int) stop.argument(0), 1, (stop.argument(3) & AT_SYMLINK_NOFOLLOW) == 0);
                }
            }
            default -> {}
        }
        return Disposition.PASSTHROUGH;
    }

    private void open(SyscallStop stop, int dirfd, int pathArgument, int flags) {
        boolean writes = (flags & O_ACCMODE) != 0 || (flags & (O_CREAT | O_TRUNC)) != 0;
        String path = path(stop, dirfd, pathArgument, (flags & O_NOFOLLOW) == 0);
        if (path == null) return;
        if (writes) inputs.changing(path);
        else inputs.read(path);
    }

    private void changing(SyscallStop stop, int dirfd, int pathArgument, boolean followFinal) {
        String path = path(stop, dirfd, pathArgument, followFinal);
        if (path != null) inputs.changing(path);
    }

    private void creating(SyscallStop stop, int dirfd, int pathArgument) {
        String path = path(stop, dirfd, pathArgument, false);
        if (path != null) inputs.creating(path);
    }

    /** The host path the call names, or null for detsim's own stand-ins and the kernel's pseudo files. */
    private String path(SyscallStop stop, int dirfd, int argument, boolean followFinal) {
        byte[] raw = GuestFiles.readPath(stop, stop.argument(argument));
        if (raw == null) return null;
        String path = files.absolutePath(stop.tid(), dirfd, raw, followFinal);
        if (path == null || path.startsWith("/proc/") || path.startsWith("/sys/") || path.startsWith("/dev/")) return null;
        return path;
    }
}
