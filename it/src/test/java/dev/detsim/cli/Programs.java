package dev.detsim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs real programs natively and under detsim (a separate JVM started from the packaged jar, exactly
 * as ./detsim does) and captures what they did. detsim is the tracer only of its own children, so
 * starting it with ProcessBuilder here is fine; the programs under it are started by detsim itself.
 */
final class Programs {
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(120);

    /** Exit status and output bytes of one run. */
    record Result(int status, byte[] stdout, byte[] stderr) {
        String out() {
            return new String(stdout, StandardCharsets.UTF_8);
        }

        String err() {
            return new String(stderr, StandardCharsets.UTF_8);
        }
    }

    private Programs() {}

    static Path guest(String name) {
        Path p = Path.of(System.getProperty("detsim.guests", "../guests/target/bin")).resolve(name);
        if (!Files.isExecutable(p)) fail("guest " + p + " is not built (the guests module builds it)");
        return p;
    }

    private static final Path JAR = Path.of(System.getProperty("detsim.jar", "target/detsim-cli.jar")).toAbsolutePath();
    /** The launcher's start-up cache for this jar, trained once by ./detsim itself before the first test's detsim. */
    private static final java.util.Optional<Path> AOT_CACHE = trainedCache();

    /** The java command that runs detsim, as the launcher starts it (its JVM options, and its AOT cache). */
    static List<String> detsimCommand(List<String> runOptions) {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        cmd.addAll(SelfLauncher.runOptions());
        AOT_CACHE.ifPresent(aot -> {
            cmd.add("-XX:AOTCache=" + aot);
            cmd.addAll(SelfLauncher.jvmOptions("aot"));
        });
        cmd.addAll(List.of("-jar", JAR.toString()));
        cmd.addAll(runOptions);
        return cmd;
    }

    /**
     * ./detsim trains the cache at its first start after a build; every detsim these tests start (and their
     * children, SelfLauncher) then starts from it, as a user's does — about half the start-up without it.
     * Started here directly, not by {@link #run}: its output readers would wait for this class's
     * initialisation, which waits for them.
     */
    private static java.util.Optional<Path> trainedCache() {
        if (SelfLauncher.aotCacheFor(JAR).isEmpty()) {
            Path launcher = JAR.getParent().getParent().getParent().resolve("detsim"); // ROOT/cli/target/detsim-cli.jar
            if (Files.isExecutable(launcher)) {
                try {
                    Process p = new ProcessBuilder(launcher.toString(), "run", "--", "/bin/true")
                            .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                            .redirectError(ProcessBuilder.Redirect.DISCARD).start();
                    if (!p.waitFor(2, TimeUnit.MINUTES)) p.destroyForcibly();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        return SelfLauncher.aotCacheFor(JAR);
    }

    /** detsim verify with these arguments (options, --, the command), stdin empty. */
    /** The number under key in the JSON object run --stats wrote (fails the test if it is missing). */
    static long statsField(String json, String key) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"" + key + "\":(\\d+)").matcher(json);
        if (!m.find()) fail(key + " missing from " + json);
        return Long.parseLong(m.group(1));
    }

    static Result verify(String... args) {
        List<String> cmd = new ArrayList<>(detsimCommand(List.of("verify")));
        cmd.addAll(List.of(args));
        return run(new ProcessBuilder(cmd), null, DEFAULT_TIMEOUT);
    }

    static Result nativeRun(List<String> command, byte[] stdin) {
        return run(new ProcessBuilder(command), stdin, DEFAULT_TIMEOUT);
    }

    static Result detsimRun(List<String> command, byte[] stdin) {
        return detsimRun(List.of(), command, stdin);
    }

    static Result detsimRun(List<String> options, List<String> command, byte[] stdin) {
        List<String> cmd = new ArrayList<>(detsimCommand(List.of("run")));
        cmd.addAll(options);
        cmd.add("--");
        cmd.addAll(command);
        return run(new ProcessBuilder(cmd), stdin, DEFAULT_TIMEOUT);
    }

    /** Runs command natively and under detsim; asserts the same status, stdout and stderr. */
    static Result assertSameAsNative(List<String> command, byte[] stdin) {
        Result expected = nativeRun(command, stdin);
        Result actual = detsimRun(command, stdin);
        assertSame(expected, actual, String.join(" ", command));
        return actual;
    }

    static void assertSame(Result expected, Result actual, String what) {
        assertEquals(expected.status(), actual.status(), what + ": exit status; detsim stderr: " + actual.err());
        assertEquals(expected.out(), actual.out(), what + ": stdout");
        assertEquals(expected.stdout().length, actual.stdout().length, what + ": stdout length");
        assertEquals(expected.err(), actual.err(), what + ": stderr");
    }

    static Result run(ProcessBuilder pb, byte[] stdin, Duration timeout) {
        try {
            Process p = pb.start();
            CompletableFuture<byte[]> out = drain(p.getInputStream());
            CompletableFuture<byte[]> err = drain(p.getErrorStream());
            Thread in = Thread.ofPlatform().start(() -> feed(p.getOutputStream(), stdin));
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                fail("timed out after " + timeout + ": " + pb.command());
            }
            in.join();
            return new Result(p.exitValue(), out.join(), err.join());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Reads a stream to its end on a thread of its own (the common pool has one worker on 2 cores). */
    static CompletableFuture<byte[]> drain(InputStream in) {
        CompletableFuture<byte[]> result = new CompletableFuture<>();
        Thread.ofPlatform().daemon().start(() -> {
            try (in) {
                ByteArrayOutputStream b = new ByteArrayOutputStream();
                in.transferTo(b);
                result.complete(b.toByteArray());
            } catch (IOException e) {
                result.completeExceptionally(new UncheckedIOException(e));
            }
        });
        return result;
    }

    /** Sends a signal the way a user would (Process.destroy() would also close our pipes). */
    static void signal(Process p, String signal) {
        try {
            int status = new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid())).start().waitFor();
            assertEquals(0, status, "kill -" + signal);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static void feed(OutputStream out, byte[] stdin) {
        try (out) {
            if (stdin != null) out.write(stdin);
        } catch (IOException ignored) {
            // The program may exit without reading all of its input, as it may natively.
        }
    }

    /** Whether no process on the host runs program (its /proc/PID/cmdline begins with it). */
    static boolean noProcessRuns(String program) throws IOException {
        try (java.util.stream.Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path p : procs.toList()) {
                if (!p.getFileName().toString().chars().allMatch(Character::isDigit)) continue;
                try {
                    String cmdline = new String(Files.readAllBytes(p.resolve("cmdline")), java.nio.charset.StandardCharsets.UTF_8);
                    if (cmdline.startsWith(program + "\0")) return false;
                } catch (IOException e) {
                    // gone meanwhile
                }
            }
        }
        return true;
    }
}
