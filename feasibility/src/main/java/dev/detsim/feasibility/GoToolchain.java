package dev.detsim.feasibility;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Builds the Go benchmarks (shipped as sources under {@code dev/detsim/feasibility/go/}) with the system Go
 * toolchain, offline and in GOPATH mode ({@code GOPATH=<sources>:/usr/share/gocode GO111MODULE=off
 * GOPROXY=off}; go-sqlite3 comes from Debian's golang-github-mattn-go-sqlite3-dev). Binaries are cached under
 * {@code <cache>/<hash>/bin}, where the hash covers the sources and {@code go version}: a second run builds
 * nothing. A benchmark that cannot be built is a reason, not an exception.
 */
final class GoToolchain {
    /** Every Go source file shipped, relative to the resource directory. */
    static final List<String> SOURCES =
            List.of("benchlib/benchlib.go", "sched/main.go", "cgocall/main.go", "sqlite/main.go");
    /** The benchmark programs, in build order. */
    static final List<String> PROGRAMS = List.of("sched", "cgocall", "sqlite");
    private static final String RESOURCES = "go/";
    private static final Duration BUILD_TIMEOUT = Duration.ofMinutes(5);

    /** A built benchmark binary, or why there is none. */
    sealed interface Build permits Built, Unavailable {}

    record Built(Path binary) implements Build {}

    /** {@code reason} starts with "not run: ". */
    record Unavailable(String reason) implements Build {}

    private GoToolchain() {}

    /** The default cache: {@code $XDG_CACHE_HOME/detsim/feasibility}, else {@code ~/.cache/detsim/feasibility}. */
    static Path defaultCache(Map<String, String> env) {
        String xdg = env.get("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("detsim").resolve("feasibility");
    }

    /** {@code go} on PATH, or null. */
    static Path findGo(Map<String, String> env) {
        return which("go", env);
    }

    /** The executable {@code name} on the environment's PATH, or null. */
    static Path which(String name, Map<String, String> env) {
        String path = env.getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin");
        for (String dir : path.split(File.pathSeparator)) {
            Path p = Path.of(dir.isEmpty() ? "." : dir, name);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                return p.toAbsolutePath();
            }
        }
        return null;
    }

    /** Builds every benchmark (or finds it in the cache): program name to build. */
    static Map<String, Build> buildAll(Path cache, Map<String, String> env) throws InterruptedException {
        Map<String, Build> builds = new LinkedHashMap<>();
        Path go = findGo(env);
        if (go == null) {
            PROGRAMS.forEach(p -> builds.put(p, new Unavailable(
                    "not run: the Go toolchain (go) was not found on PATH (apt-get install golang-go)")));
            return builds;
        }
        try {
            String version = goVersion(go);
            Path root = cache.resolve(hash(version));
            Path gopath = root.resolve("gopath");
            Path bin = Files.createDirectories(root.resolve("bin"));
            unpackSources(gopath.resolve("src"));
            for (String program : PROGRAMS) {
                Path binary = bin.resolve(program);
                if (Files.isExecutable(binary)) {
                    builds.put(program, new Built(binary));
                    continue;
                }
                builds.put(program, build(go, program, gopath, cache.resolve("gocache"), binary, env));
            }
        } catch (IOException e) {
            PROGRAMS.forEach(p -> builds.putIfAbsent(p, new Unavailable("not run: cannot build the Go benchmarks in "
                    + cache + ": " + e.getMessage())));
        }
        return builds;
    }

    private static Build build(Path go, String program, Path gopath, Path gocache, Path binary, Map<String, String> env)
            throws IOException, InterruptedException {
        Path tmp = binary.resolveSibling(program + ".tmp-" + ProcessHandle.current().pid());
        Path log = binary.resolveSibling(program + ".build.log");
        ProcessBuilder pb = new ProcessBuilder(go.toString(), "build", "-o", tmp.toString(), ".")
                .directory(gopath.resolve("src").resolve(program).toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        Map<String, String> e = pb.environment();
        e.clear();
        e.put("PATH", env.getOrDefault("PATH", "/usr/bin:/bin"));
        e.put("HOME", System.getProperty("user.home"));
        e.put("GOPATH", gopath + File.pathSeparator + "/usr/share/gocode");
        e.put("GO111MODULE", "off");
        e.put("GOPROXY", "off");
        e.put("GOFLAGS", "");
        e.put("GOCACHE", gocache.toString());
        e.put("CGO_ENABLED", "1");
        Process p = pb.start();
        if (!p.waitFor(BUILD_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
            return new Unavailable("not run: go build of " + program + " took more than " + BUILD_TIMEOUT.toMinutes()
                    + " min; log " + log);
        }
        if (p.exitValue() != 0) {
            Files.deleteIfExists(tmp);
            String hint = switch (program) {
                case "sqlite" -> " (needs golang-github-mattn-go-sqlite3-dev, libsqlite3-dev and gcc)";
                case "cgocall" -> " (cgo needs gcc)";
                default -> "";
            };
            String out = new String(Files.readAllBytes(log), StandardCharsets.UTF_8);
            return new Unavailable("not run: go build of " + program + " failed" + hint + ": " + Runs.lastLines(out));
        }
        // Concurrent harness runs may build the same binary; either rename wins, both are the same program.
        Files.move(tmp, binary, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return new Built(binary);
    }

    private static String goVersion(Path go) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(go.toString(), "version").redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
        return new String(out, StandardCharsets.UTF_8).strip();
    }

    /** Hash of the Go version and every source (path and bytes): the cache key. */
    static String hash(String goVersion) throws IOException {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(goVersion.getBytes(StandardCharsets.UTF_8));
            for (String s : SOURCES) {
                sha.update((s + "\n").getBytes(StandardCharsets.UTF_8));
                sha.update(source(s));
            }
            return HexFormat.of().formatHex(sha.digest()).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void unpackSources(Path src) throws IOException {
        for (String s : SOURCES) {
            Path target = src.resolve(s);
            Files.createDirectories(target.getParent());
            Files.write(target, source(s));
        }
    }

    static byte[] source(String name) throws IOException {
        try (InputStream in = GoToolchain.class.getResourceAsStream(RESOURCES + name)) {
            if (in == null) {
                throw new IOException("Go source " + name + " is missing from the detsim jar");
            }
            return in.readAllBytes();
        }
    }
}
