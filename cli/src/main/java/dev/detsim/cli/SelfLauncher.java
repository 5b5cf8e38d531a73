package dev.detsim.cli;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The command that starts this detsim again in a new JVM, as the launcher does (for verify's runs). */
final class SelfLauncher {
    private SelfLauncher() {}

    static List<String> command() throws URISyntaxException {
        Path jar = Path.of(SelfLauncher.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        cmd.addAll(runOptions()); // as ./detsim
        String extra = System.getenv("DETSIM_JAVA_OPTIONS");
        if (extra != null && !extra.isBlank()) cmd.addAll(List.of(extra.trim().split("\\s+")));
        aotCacheFor(jar).ifPresent(aot -> {
            cmd.add("-XX:AOTCache=" + aot); // and its flags, as ./detsim
            cmd.addAll(jvmOptions("aot"));
        });
        if (Files.isDirectory(jar)) {
            cmd.addAll(List.of("--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                    Main.class.getName()));
        } else {
            cmd.addAll(List.of("-jar", jar.toString()));
        }
        return cmd;
    }

    /** The options ./detsim always gives the JVM, with those it adds as root. */
    static List<String> runOptions() {
        List<String> options = new ArrayList<>(jvmOptions("run"));
        if (runsAsRoot()) options.addAll(jvmOptions("root"));
        return options;
    }

    /** Whether this process's effective user is root: /proc/self belongs to it. */
    static boolean runsAsRoot() {
        try {
            return Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
        } catch (java.io.IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    /** The options of one kind ("run", "aot", "root") from jvm-options, the file ./detsim reads too. */
    static List<String> jvmOptions(String kind) {
        try (var in = SelfLauncher.class.getResourceAsStream("jvm-options")) {
            if (in == null) throw new IllegalStateException("detsim's jar has no jvm-options");
            for (String line : new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).split("\n")) {
                if (line.startsWith(kind + "=")) return List.of(line.substring(kind.length() + 1).trim().split("\\s+"));
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        throw new IllegalStateException("jvm-options has no " + kind + " line");
    }

    /**
     * The AOT cache ./detsim trained next to jar with these same flags, unless the jar was rebuilt since (as the
     * launcher checks): the JVM accepted such a stale cache here, and a run then loaded classes of the older
     * build and hung.
     */
    static java.util.Optional<Path> aotCacheFor(Path jar) {
        Path aot = jar.resolveSibling("detsim.aot");
        try {
            if (Files.isRegularFile(aot) && Files.getLastModifiedTime(aot).compareTo(Files.getLastModifiedTime(jar)) >= 0) {
                return java.util.Optional.of(aot);
            }
        } catch (java.io.IOException e) {
            // unreadable: run without it
        }
        return java.util.Optional.empty();
    }
}
