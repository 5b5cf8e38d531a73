package dev.detsim.targets.cockroach;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * A single-node CockroachDB started with
 * {@code cockroach start-single-node --insecure --store=<fresh dir> --listen-addr=127.0.0.1:<port>
 * --http-addr=127.0.0.1:<port> --listening-url-file=<file> --cache=64MiB --max-sql-memory=64MiB}
 * through a {@link Launcher} (natively or under detsim).
 *
 * <p>Each node gets a fresh work directory (by default under {@code java.io.tmpdir}) holding
 * {@code store/}, {@code listening-url} and {@code cockroach.log} (the process's stdout and stderr; cockroach's
 * own log files go to {@code store/logs}). The node is ready when the listening-url file holds a
 * {@code postgres://} (or {@code postgresql://}) URL. If the process exits first, or the timeout passes, the
 * start fails with a {@link StartException} naming the log file and quoting its last 20 lines; the process is
 * stopped and the work directory is kept for inspection. {@link #close()} stops the node and deletes the work
 * directory.
 *
 * <p>All times are the real clock of this JVM ({@link System#nanoTime()}), not the sandbox's virtual clock.
 */
public final class CockroachNode implements AutoCloseable {

    public static final Duration DEFAULT_READY_TIMEOUT = Duration.ofSeconds(60);
    public static final Duration DEFAULT_STOP_TIMEOUT = Duration.ofSeconds(30);
    /** Lines of the log quoted in a start failure. */
    public static final int LOG_TAIL_LINES = 20;
    static final Duration POLL_INTERVAL = Duration.ofMillis(50);

    private final Path binary;
    private final List<String> command;
    private final Launcher.Handle handle;
    private final Path workDir;
    private final Path storeDir;
    private final Path logFile;
    private final Path urlFile;
    private final int sqlPort;
    private final int httpPort;
    private final String pgUrl;
    private final String jdbcUrl;
    private final long readyNanos;
    private boolean closed;

    private CockroachNode(Path binary, List<String> command, Launcher.Handle handle, Path workDir, Path storeDir,
            Path logFile, Path urlFile, int sqlPort, int httpPort, String pgUrl, long readyNanos) {
        this.binary = binary;
        this.command = command;
        this.handle = handle;
        this.workDir = workDir;
        this.storeDir = storeDir;
        this.logFile = logFile;
        this.urlFile = urlFile;
        this.sqlPort = sqlPort;
        this.httpPort = httpPort;
        this.pgUrl = pgUrl;
        this.jdbcUrl = toJdbcUrl(pgUrl);
        this.readyNanos = readyNanos;
    }

    /** Starts a node in a fresh directory under {@code java.io.tmpdir}, waiting {@link #DEFAULT_READY_TIMEOUT}. */
    public static CockroachNode start(Path binary, Launcher launcher) throws IOException, InterruptedException {
        return start(binary, launcher, defaultParent(), DEFAULT_READY_TIMEOUT);
    }

    /**
     * Starts a node in a fresh directory under {@code parentDir} and waits at most {@code readyTimeout} for
     * the listening-url file.
     *
     * @throws StartException if the process cannot be started, exits before it is ready, or is not ready in
     *                        time (the message names the log file and quotes its last lines)
     */
    public static CockroachNode start(Path binary, Launcher launcher, Path parentDir, Duration readyTimeout)
            throws IOException, InterruptedException {
        Objects.requireNonNull(binary, "binary");
        Objects.requireNonNull(launcher, "launcher");
        Objects.requireNonNull(readyTimeout, "readyTimeout");
        Files.createDirectories(parentDir);
        Path workDir = Files.createTempDirectory(parentDir, "detsim-cockroach-");
        Path storeDir = Files.createDirectory(workDir.resolve("store"));
        Path logFile = workDir.resolve("cockroach.log");
        Path urlFile = workDir.resolve("listening-url");
        int[] ports = freeLoopbackPorts(2);
        List<String> command = startCommand(binary, storeDir, ports[0], ports[1], urlFile);

        long t0 = System.nanoTime();
        Launcher.Handle handle;
        try {
            handle = launcher.start(command, workDir, logFile);
        } catch (IOException e) {
            throw new StartException("could not start " + String.join(" ", command) + ": " + e.getMessage()
                    + "; log " + logFile + ", last " + LOG_TAIL_LINES + " lines:"
                    + LogTail.formatted(logFile, LOG_TAIL_LINES), logFile, workDir, -1, e);
        }
        String url;
        try {
            url = awaitListeningUrl(handle, urlFile, logFile, workDir, readyTimeout);
        } catch (InterruptedException | RuntimeException e) {
            stopQuietly(handle);
            throw e;
        }
        long readyNanos = System.nanoTime() - t0;
        try {
            return new CockroachNode(binary, command, handle, workDir, storeDir, logFile, urlFile, ports[0],
                    ports[1], url, readyNanos);
        } catch (IllegalArgumentException e) { // a URL that toJdbcUrl cannot read
            stopQuietly(handle);
            throw new StartException("cockroach wrote an unusable URL to " + urlFile + ": " + e.getMessage()
                    + "; log " + logFile, logFile, workDir, handle.pid(), e);
        }
    }

    /** The {@code start-single-node} command line (without any launcher prefix). */
    public static List<String> startCommand(Path binary, Path storeDir, int sqlPort, int httpPort, Path urlFile) {
        return List.of(
                binary.toString(),
                "start-single-node",
                "--insecure",
                "--store=" + storeDir,
                "--listen-addr=127.0.0.1:" + sqlPort,
                "--http-addr=127.0.0.1:" + httpPort,
                "--listening-url-file=" + urlFile,
                "--cache=64MiB",
                "--max-sql-memory=64MiB");
    }

    private static String awaitListeningUrl(Launcher.Handle handle, Path urlFile, Path logFile, Path workDir,
            Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        UrlPoller poller = new UrlPoller(urlFile);
        while (true) {
            String url = poller.poll();
            if (url != null) {
                return url;
            }
            if (!handle.isAlive()) {
                OptionalInt code = handle.waitFor(Duration.ZERO);
                throw new StartException("cockroach (pid " + handle.pid() + ") exited"
                        + (code.isPresent() ? " with code " + code.getAsInt() : "")
                        + " before writing a postgres:// URL to " + urlFile + "; log " + logFile + ", last "
                        + LOG_TAIL_LINES + " lines:" + LogTail.formatted(logFile, LOG_TAIL_LINES),
                        logFile, workDir, handle.pid(), null);
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                Launcher.Stopped stopped = handle.stop(Duration.ofSeconds(5));
                throw new StartException("cockroach (pid " + handle.pid() + ") did not write a postgres:// URL to "
                        + urlFile + " within " + describe(timeout) + " (stopped it: exit code "
                        + stopped.exitCode() + (stopped.killed() ? ", needed SIGKILL" : "") + "); log " + logFile
                        + ", last " + LOG_TAIL_LINES + " lines:" + LogTail.formatted(logFile, LOG_TAIL_LINES),
                        logFile, workDir, handle.pid(), null);
            }
            Thread.sleep(Math.max(1, Math.min(POLL_INTERVAL.toMillis(), left / 1_000_000)));
        }
    }

    /**
     * Reads the listening-url file. A URL line is taken only once it ends with a newline: cockroach writes
     * {@code URL\n} with a plain (non-atomic) {@code os.WriteFile}, so a file without the newline may be
     * half-written and is read again on the next poll.
     */
    static final class UrlPoller {
        private final Path file;

        UrlPoller(Path file) {
            this.file = file;
        }

        String poll() throws IOException {
            byte[] bytes;
            try {
                bytes = Files.readAllBytes(file);
            } catch (NoSuchFileException e) {
                return null;
            }
            String text = new String(bytes, StandardCharsets.UTF_8);
            int end = text.lastIndexOf('\n');
            if (end < 0) {
                return null;
            }
            for (String line : text.substring(0, end).split("\n")) {
                String url = line.strip();
                if (isPostgresUrl(url)) {
                    return url;
                }
            }
            return null;
        }
    }

    static boolean isPostgresUrl(String s) {
        return (s.startsWith("postgres://") || s.startsWith("postgresql://")) && s.indexOf("://") + 3 < s.length();
    }

    /**
     * Turns a libpq-style URL ({@code postgresql://root@127.0.0.1:26257/defaultdb?sslmode=disable}) into a
     * PostgreSQL JDBC URL ({@code jdbc:postgresql://127.0.0.1:26257/defaultdb?sslmode=disable&user=root}).
     */
    public static String toJdbcUrl(String pgUrl) {
        URI u;
        try {
            u = new URI(pgUrl.strip());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not a postgres URL: " + pgUrl, e);
        }
        String scheme = u.getScheme();
        if (!"postgres".equals(scheme) && !"postgresql".equals(scheme)) {
            throw new IllegalArgumentException("not a postgres URL: " + pgUrl);
        }
        String host = u.getHost();
        if (host == null) {
            throw new IllegalArgumentException("no host in " + pgUrl);
        }
        StringBuilder sb = new StringBuilder("jdbc:postgresql://").append(host);
        if (u.getPort() >= 0) {
            sb.append(':').append(u.getPort());
        }
        String path = u.getRawPath();
        sb.append(path == null || path.isEmpty() ? "/" : path);
        List<String> params = new ArrayList<>();
        if (u.getRawQuery() != null && !u.getRawQuery().isEmpty()) {
            params.add(u.getRawQuery());
        }
        String userInfo = u.getUserInfo();
        if (userInfo != null && !userInfo.isEmpty()) {
            int colon = userInfo.indexOf(':');
            String user = colon < 0 ? userInfo : userInfo.substring(0, colon);
            params.add("user=" + URLEncoder.encode(user, StandardCharsets.UTF_8));
            if (colon >= 0) {
                params.add("password=" + URLEncoder.encode(userInfo.substring(colon + 1), StandardCharsets.UTF_8));
            }
        }
        if (!params.isEmpty()) {
            sb.append('?').append(String.join("&", params));
        }
        return sb.toString();
    }

    /** {@code n} distinct loopback ports that were free a moment ago (held together, then released). */
    public static int[] freeLoopbackPorts(int n) throws IOException {
        ServerSocket[] sockets = new ServerSocket[n];
        try {
            int[] ports = new int[n];
            for (int i = 0; i < n; i++) {
                sockets[i] = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                sockets[i].setReuseAddress(true);
                ports[i] = sockets[i].getLocalPort();
            }
            return ports;
        } finally {
            for (ServerSocket s : sockets) {
                if (s != null) {
                    s.close();
                }
            }
        }
    }

    // ---- cockroach version -------------------------------------------------------------------------------

    /**
     * The outcome of {@code cockroach version}.
     *
     * @param command   the command given to the launcher (without any launcher prefix)
     * @param exitCode  the exit code, or -1 if it timed out
     * @param timedOut  true if it did not finish in time (it was then stopped)
     * @param output    stdout and stderr together
     * @param wallNanos from just before the launch to the process's exit, on this JVM's real clock; under
     *                  detsim this includes detsim's own start-up
     */
    public record VersionResult(List<String> command, int exitCode, boolean timedOut, String output,
            long wallNanos) {
        public boolean ok() {
            return !timedOut && exitCode == 0;
        }
    }

    /** Runs {@code cockroach version} with a 60 s timeout in a temporary directory. */
    public static VersionResult version(Path binary, Launcher launcher) throws IOException, InterruptedException {
        return version(binary, launcher, defaultParent(), Duration.ofSeconds(60));
    }

    /** Runs {@code cockroach version} through {@code launcher} and captures its output and wall time. */
    public static VersionResult version(Path binary, Launcher launcher, Path parentDir, Duration timeout)
            throws IOException, InterruptedException {
        Files.createDirectories(parentDir);
        Path dir = Files.createTempDirectory(parentDir, "detsim-cockroach-version-");
        try {
            Path log = dir.resolve("version.log");
            List<String> command = List.of(binary.toString(), "version");
            long t0 = System.nanoTime();
            Launcher.Handle h = launcher.start(command, dir, log);
            OptionalInt code = h.waitFor(timeout);
            long wall = System.nanoTime() - t0;
            if (code.isEmpty()) {
                h.stop(Duration.ofSeconds(5));
            }
            String output = Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
            return new VersionResult(command, code.orElse(-1), code.isEmpty(), output, wall);
        } finally {
            LogTail.deleteTree(dir);
        }
    }

    // ---- accessors and stopping --------------------------------------------------------------------------

    public Path binary() {
        return binary;
    }

    /** The command given to the launcher (without any launcher prefix). */
    public List<String> command() {
        return command;
    }

    public long pid() {
        return handle.pid();
    }

    public boolean isAlive() {
        return handle.isAlive();
    }

    public Launcher.Handle handle() {
        return handle;
    }

    public Path workDir() {
        return workDir;
    }

    public Path storeDir() {
        return storeDir;
    }

    public Path logFile() {
        return logFile;
    }

    public Path listeningUrlFile() {
        return urlFile;
    }

    public int sqlPort() {
        return sqlPort;
    }

    public int httpPort() {
        return httpPort;
    }

    /** The URL from the listening-url file, e.g. {@code postgresql://root@127.0.0.1:PORT/defaultdb?sslmode=disable}. */
    public String pgUrl() {
        return pgUrl;
    }

    /** {@link #pgUrl()} as a PostgreSQL JDBC URL. */
    public String jdbcUrl() {
        return jdbcUrl;
    }

    /** Nanoseconds from launch to readiness (this JVM's real clock). */
    public long readyNanos() {
        return readyNanos;
    }

    /** The last {@code n} lines of the node's stdout/stderr log. */
    public List<String> logTail(int n) {
        return LogTail.lastLines(logFile, n);
    }

    /** SIGTERM, then SIGKILL after {@code timeout}; waits for the process. The files are kept. */
    public Launcher.Stopped stop(Duration timeout) throws InterruptedException {
        return handle.stop(timeout);
    }

    /** Stops the node ({@link #DEFAULT_STOP_TIMEOUT}) and deletes its work directory. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            handle.stop(DEFAULT_STOP_TIMEOUT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopQuietly(handle);
        } finally {
            LogTail.deleteTree(workDir);
        }
    }

    @Override
    public String toString() {
        return "CockroachNode[pid " + handle.pid() + ", " + pgUrl + ", " + workDir + "]";
    }

    private static void stopQuietly(Launcher.Handle h) {
        try {
            h.stop(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException ignored) {
            // best effort
        }
    }

    private static Path defaultParent() {
        return Path.of(System.getProperty("java.io.tmpdir"));
    }

    private static String describe(Duration d) {
        long ms = d.toMillis();
        return ms % 1000 == 0 ? (ms / 1000) + " s" : ms + " ms";
    }

    /** A node that could not be started or did not become ready. */
    public static final class StartException extends IOException {
        private static final long serialVersionUID = 1L;
        private final transient Path logFile;
        private final transient Path workDir;
        private final long pid;

        StartException(String message, Path logFile, Path workDir, long pid, Throwable cause) {
            super(message, cause);
            this.logFile = logFile;
            this.workDir = workDir;
            this.pid = pid;
        }

        /** The node's stdout/stderr log (kept). */
        public Path logFile() {
            return logFile;
        }

        /** The node's work directory (kept for inspection; the caller may delete it). */
        public Path workDir() {
            return workDir;
        }

        /** The pid of the process that was started, or -1 if none was. */
        public long pid() {
            return pid;
        }
    }
}
