package dev.detsim.feasibility;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * What {@code detsim run --stats=FILE} counted, read back: one JSON object written when detsim exits
 * (threadsCreated, processesCreated, peakLiveThreads, syscallStops, nondeterministicPreemptions, virtualNanos).
 * A detsim that was killed writes none.
 */
record DetsimStats(long peakLiveThreads, Map<String, Long> counts) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The stats in {@code file}, or null if detsim wrote none (or an unreadable one). */
    static DetsimStats read(Path file) {
        if (file == null || !Files.isRegularFile(file)) {
            return null;
        }
        try {
            JsonNode root = JSON.readTree(file.toFile());
            if (root == null || !root.has("peakLiveThreads")) {
                return null;
            }
            Map<String, Long> counts = new TreeMap<>();
            root.properties().forEach(e -> {
                if (e.getValue().isIntegralNumber()) {
                    counts.put(e.getKey(), e.getValue().asLong());
                }
            });
            return new DetsimStats(root.get("peakLiveThreads").asLong(), counts);
        } catch (IOException e) {
            return null;
        }
    }

    static final String THREADS_SOURCE = "tracer: peak live threads (detsim run --stats)";
}
