package dev.detsim.sandbox.tracer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** What /proc/PID/stat and /proc/PID/status say of a task: its life, and the pid the program knows it by. */
public final class TaskState {
    private TaskState() {}

    /** True once the task is a zombie or dead (state Z or X), or gone from /proc altogether. */
    public static boolean hasExited(int pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            char state = stat.charAt(stat.lastIndexOf(')') + 2);
            return state == 'Z' || state == 'X';
        } catch (IOException | RuntimeException e) {
            return true;
        }
    }

    /** True while the task is running or runnable (state R), false when it sleeps, waits, stopped or is gone. */
    public static boolean isRunnable(int tid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + tid + "/stat"));
            return stat.charAt(stat.lastIndexOf(')') + 2) == 'R';
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /**
     * The pid the program knows task pid (a host pid) by: the innermost pid namespace's number from the NSpid
     * line of /proc/PID/status (the host pid itself without a namespace), or -1 once the task is gone.
     */
    public static int pidInNamespace(int pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("NSpid:")) {
                    String[] numbers = line.substring(6).trim().split("\\s+");
                    return Integer.parseInt(numbers[numbers.length - 1]);
                }
            }
            return pid;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /**
     * The host tid of the thread of process tgid that the program knows as guestTid (its pid-namespace
     * number), or -1 if the process has no such thread.
     */
    public static int hostThreadOf(int tgid, int guestTid) {
        try (var tasks = Files.list(Path.of("/proc/" + tgid + "/task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                int tid = Integer.parseInt(task.getFileName().toString());
                if (pidInNamespace(tid) == guestTid) return tid;
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }
}
