package dev.detsim.sandbox.handlers;

import static dev.detsim.abi.Wait.P_PID;
import static dev.detsim.abi.Wait.WNOHANG;

import dev.detsim.sandbox.os.ProcFiles;
import dev.detsim.sandbox.syscall.Syscall;
import dev.detsim.sandbox.api.Disposition;
import dev.detsim.sandbox.api.SyscallHandler;
import dev.detsim.sandbox.api.SyscallStop;
import dev.detsim.sandbox.tracer.TaskState;
import dev.detsim.scheduler.Deadline;
import dev.detsim.scheduler.WaitCondition;
import dev.detsim.scheduler.WakeUp;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * wait4 and waitid: a blocking wait runs in the kernel only when a child it may collect has already exited
 * (is a zombie); otherwise the thread is parked until detsim sees one of its process's children exit.
 * Stopped children (WUNTRACED) are not looked for: such waits end when a child exits or a signal comes.
 */
public final class ChildWaitHandler implements SyscallHandler {

    @Override
    public Set<Syscall> subscriptions() {
        return Set.of(Syscall.WAIT4, Syscall.WAITID);
    }

    @Override
    public Disposition onSyscall(SyscallStop stop) {
        WakeUp wake = stop.wakeUp().orElse(null);
        if (wake != null && wake.cause() == WakeUp.Cause.INTERRUPTED) return Disposition.PASSTHROUGH;
        long options;
        int wanted; // > 0: that child; otherwise any
        if (stop.syscall() == Syscall.WAIT4) {
            wanted = (int) stop.argument(0);
            options = stop.argument(2);
        } else {
            wanted = (int) stop.argument(0) == P_PID ? (int) stop.argument(1) : -1;
            options = stop.argument(3);
        }
        if ((options & WNOHANG) != 0) return Disposition.PASSTHROUGH;
        List<Integer> children = childrenOf(stop.pid());
        if (wanted > 0) { // the program names the child by the pid it knows (its pid namespace's)
            int child = wanted;
            children.removeIf(c -> TaskState.pidInNamespace(c) != child);
        }
        if (children.isEmpty()) return Disposition.PASSTHROUGH; // ECHILD from the kernel
        for (int child : children) if (TaskState.hasExited(child)) return Disposition.PASSTHROUGH;
        return Disposition.block(WaitCondition.ChildExit.any(), Deadline.NONE);
    }

    /** The children of every thread of process pid (/proc/PID/task/TID/children). */
    static List<Integer> childrenOf(int pid) {
        List<Integer> out = new ArrayList<>();
        int[] tasks = ProcFiles.numberedEntries("/proc/" + pid + "/task");
        if (tasks == null) return out; // the process is going away: let the kernel answer
        for (int task : tasks) {
            byte[] list = ProcFiles.read("/proc/" + pid + "/task/" + task + "/children");
            if (list == null) return out; // a thread or the process is going away: what was found so far
            int value = -1;
            for (byte b : list) { // "pid pid ... " in decimal
                if (b >= '0' && b <= '9') {
                    value = (value < 0 ? 0 : value * 10) + (b - '0');
                } else if (value >= 0) {
                    out.add(value);
                    value = -1;
                }
            }
            if (value >= 0) out.add(value);
        }
        return out;
    }
}
