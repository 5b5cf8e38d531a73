package dev.detsim.sandbox.handlers;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** Whether an address of a thread lies in a MAP_SHARED mapping (/proc/TID/maps, "s" in the permissions). */
final class SharedMappings {
    private SharedMappings() {}

    static boolean contains(int tid, long address) {
        try (Stream<String> lines = Files.lines(Path.of("/proc/" + tid + "/maps"))) {
            return lines.anyMatch(line -> {
                int dash = line.indexOf('-'), space = line.indexOf(' ');
                if (dash < 0 || space < dash || space + 4 >= line.length()) return false;
                long lo = Long.parseUnsignedLong(line.substring(0, dash), 16);
                long hi = Long.parseUnsignedLong(line.substring(dash + 1, space), 16);
                return Long.compareUnsigned(address, lo) >= 0 && Long.compareUnsigned(address, hi) < 0
                        && line.charAt(space + 4) == 's';
            });
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }
}
