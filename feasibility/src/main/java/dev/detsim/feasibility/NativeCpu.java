package dev.detsim.feasibility;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * The CPU native runs are pinned to: the one detsim pins itself and the program to by default (the
 * highest-numbered CPU this process may use), through util-linux's {@code taskset -c CPU}. Both sides then
 * get the same single CPU, so a factor is the sandbox's cost, not the difference between one CPU and all of
 * them (on this 2-vCPU VM an unpinned Go program whose threads wake each other runs ~3x slower than a pinned
 * one).
 */
final class NativeCpu {
    private NativeCpu() {}

    /** {@code taskset -c CPU} as a command prefix, or an empty list when it cannot be had (then runs are unpinned). */
    static List<String> prefix(Map<String, String> env) {
        Path taskset = GoToolchain.which("taskset", env);
        OptionalInt cpu = highestAllowed(readStatus());
        if (taskset == null || cpu.isEmpty()) {
            return List.of();
        }
        return List.of(taskset.toString(), "-c", Integer.toString(cpu.getAsInt()));
    }

    /** The CPU of a {@link #prefix}, or null for none. */
    static Integer cpuOf(List<String> prefix) {
        return prefix.isEmpty() ? null : Integer.valueOf(prefix.getLast());
    }

    /** The highest CPU in /proc/self/status's {@code Cpus_allowed_list} (e.g. {@code 0-1,4,6-7}). */
    static OptionalInt highestAllowed(String status) {
        for (String line : status.split("\n")) {
            if (line.startsWith("Cpus_allowed_list:")) {
                int max = -1;
                for (String part : line.substring(line.indexOf(':') + 1).strip().split(",")) {
                    String last = part.contains("-") ? part.substring(part.indexOf('-') + 1) : part;
                    try {
                        max = Math.max(max, Integer.parseInt(last.strip()));
                    } catch (NumberFormatException e) {
                        return OptionalInt.empty();
                    }
                }
                return max < 0 ? OptionalInt.empty() : OptionalInt.of(max);
            }
        }
        return OptionalInt.empty();
    }

    private static String readStatus() {
        try {
            return Files.readString(Path.of("/proc/self/status"));
        } catch (IOException e) {
            return "";
        }
    }
}
