package dev.detsim.sandbox.tracer;

import dev.detsim.sandbox.os.ProcFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** What /proc/PID/stat and /proc/PID/status say of a task: its life, and the pid the program knows it by. */
public final class TaskState {
    private TaskState() {}

    /** True once the task is a zombie or dead (state Z or X), or gone from /proc altogether. */
    public static boolean hasExited(int pid) {
        int state = state(pid);
        return state < 0 || state == 'Z' || state == 'X';
    }

    /** True while the task is running or runnable (state R), false when it sleeps, waits, stopped or is gone. */
    public static boolean isRunnable(int tid) {
        return state(tid) == 'R';
    }

    /** The state letter in /proc/PID/stat (after the command name, which may hold anything), or -1. */
    private static int state(int pid) {
        byte[] stat = ProcFiles.read("/proc/" + pid + "/stat");
        if (stat == null) return -1;
        int close = stat.length - 1;
        while (close >= 0 && stat[close] != ')') close--;
        return close >= 0 && close + 2 < stat.length ? stat[close + 2] : -1;
    }

    /**
     * The pid the program knows task pid (a host pid) by: the innermost pid namespace's number from the NSpid
     * line of /proc/PID/status (the host pid itself without a namespace), or -1 once the task is gone.
     */
    public static int pidInNamespace(int pid) {
        byte[] status = ProcFiles.read("/proc/" + pid + "/status");
        if (status == null) return -1;
        try {
            for (String line : new String(status, StandardCharsets.ISO_8859_1).split("\n")) {
                if (line.startsWith("NSpid:")) {
                    String[] numbers = line.substring(6).trim().split("\\s+");
                    return Integer.parseInt(numbers[numbers.length - 1]);
                }
            }
            return pid;
        } catch (RuntimeException e) {
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
