package dev.detsim.sandbox.tracer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** What /proc/PID/stat says of a task's life. */
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
}
