package dev.detsim.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A program's environment as an ordered list of "NAME=value" entries. The order is part of what a program
 * sees (it decides where each string lands on the new program's stack), so record keeps it as detsim got it
 * (/proc/self/environ) rather than as Java's map of it, and replay hands it over in that order.
 */
final class Environment {
    private Environment() {}

    /** detsim's own environment, in the order the kernel gave it. */
    static List<String> own() throws IOException {
        return read(Path.of("/proc/self/environ"));
    }

    /** NUL-separated entries. */
    static List<String> read(Path file) throws IOException {
        List<String> entries = new ArrayList<>();
        for (String e : new String(Files.readAllBytes(file), StandardCharsets.UTF_8).split("\0")) {
            if (!e.isEmpty()) entries.add(e);
        }
        return entries;
    }

    static void write(Path file, List<String> entries) throws IOException {
        StringBuilder b = new StringBuilder();
        for (String e : entries) b.append(e).append('\0');
        Files.writeString(file, b, StandardCharsets.UTF_8);
    }

    /** The value of name, or null. */
    static String get(List<String> entries, String name) {
        for (String e : entries) if (e.startsWith(name + "=")) return e.substring(name.length() + 1);
        return null;
    }
}
