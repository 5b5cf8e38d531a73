package dev.detsim.targets.cockroach;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * A throwaway PostgreSQL 15 server (Debian package {@code postgresql-15}) for tests: {@code initdb} into a
 * fresh directory under {@code /tmp} owned by the {@code postgres} user, then {@code postgres} listening on
 * 127.0.0.1 at a free port with trust authentication, both run through {@code runuser -u postgres} (the
 * tests run as root; PostgreSQL refuses to run as root). {@link #close()} sends SIGTERM to the postmaster
 * (smart shutdown: it exits once the clients have gone), waits, and deletes the directory.
 */
final class PostgresServer implements AutoCloseable {
    static final Path BIN = Path.of("/usr/lib/postgresql/15/bin");
    static final String USER = "postgres";
    static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

    private final Path baseDir;
    private final Path logFile;
    private final Process process;
    private final int port;

    private PostgresServer(Path baseDir, Path logFile, Process process, int port) {
        this.baseDir = baseDir;
        this.logFile = logFile;
        this.process = process;
        this.port = port;
    }

    /** Why a server cannot be started here, or null if it can. */
    static String unavailableReason() {
        if (!Files.isExecutable(BIN.resolve("initdb")) || !Files.isExecutable(BIN.resolve("postgres"))) {
            return "PostgreSQL 15 is not installed (" + BIN + "/initdb missing): apt-get install -y postgresql-15";
        }
        if (!"root".equals(System.getProperty("user.name"))) {
            return "starting PostgreSQL as the postgres user needs root (runuser); running as "
                    + System.getProperty("user.name");
        }
        return null;
    }

    static PostgresServer start() throws IOException, InterruptedException {
        String reason = unavailableReason();
        if (reason != null) {
            throw new IllegalStateException(reason);
        }
        Path base = Files.createTempDirectory(Path.of("/tmp"), "detsim-pg-");
        boolean ok = false;
        Process server = null;
        try {
            chownToPostgres(base);
            Path data = base.resolve("data");
            Path sock = base.resolve("sock");
            Files.createDirectory(sock);
            chownToPostgres(sock);
            Path initLog = base.resolve("initdb.log");
            Path log = base.resolve("server.log");

            Process initdb = new ProcessBuilder("runuser", "-u", USER, "--", BIN.resolve("initdb").toString(),
                    "-D", data.toString(), "-A", "trust", "-U", USER, "-E", "UTF8", "--locale=C.UTF-8", "--no-sync")
                    .directory(base.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectErrorStream(true)
                    .redirectOutput(initLog.toFile())
                    .start();
            if (!initdb.waitFor(60, TimeUnit.SECONDS)) {
                initdb.destroyForcibly().waitFor();
                throw new IOException("initdb did not finish in 60 s; log " + initLog + ":" + LogTail.formatted(initLog, 20));
            }
            if (initdb.exitValue() != 0) {
                throw new IOException("initdb failed with exit code " + initdb.exitValue() + "; log " + initLog + ":"
                        + LogTail.formatted(initLog, 20));
            }

            int port = CockroachNode.freeLoopbackPorts(1)[0];
            server = new ProcessBuilder(List.of("runuser", "-u", USER, "--", BIN.resolve("postgres").toString(),
                    "-D", data.toString(), "-k", sock.toString(), "-p", Integer.toString(port),
                    "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off", "-c", "shared_buffers=16MB",
                    "-c", "max_connections=20"))
                    .directory(base.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            PostgresServer pg = new PostgresServer(base, log, server, port);
            pg.awaitReady();
            ok = true;
            return pg;
        } finally {
            if (!ok) {
                if (server != null) {
                    stopProcess(server);
                }
                LogTail.deleteTree(base);
            }
        }
    }

    private void awaitReady() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        SQLException last = null;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("postgres exited with code " + process.exitValue()
                        + " before accepting connections; log " + logFile + ":" + LogTail.formatted(logFile, 20));
            }
            Properties p = new Properties();
            p.setProperty("user", USER);
            p.setProperty("connectTimeout", "2");
            try (Connection c = DriverManager.getConnection(jdbcUrl(), p)) {
                if (c.isValid(2)) {
                    return;
                }
            } catch (SQLException e) {
                last = e; // not up yet (connection refused, or "the database system is starting up")
            }
            Thread.sleep(100);
        }
        throw new IOException("postgres did not accept a JDBC connection on 127.0.0.1:" + port + " within "
                + READY_TIMEOUT.toSeconds() + " s (last error: " + last + "); log " + logFile + ":"
                + LogTail.formatted(logFile, 20));
    }

    int port() {
        return port;
    }

    Path logFile() {
        return logFile;
    }

    /** {@code jdbc:postgresql://127.0.0.1:PORT/postgres?sslmode=disable}; connect as {@link #USER}. */
    String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/postgres?sslmode=disable";
    }

    Properties properties() {
        Properties p = new Properties();
        p.setProperty("user", USER);
        return p;
    }

    Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl(), properties());
    }

    @Override
    public void close() {
        try {
            stopProcess(process);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        } finally {
            LogTail.deleteTree(baseDir);
        }
    }

    /**
     * runuser forks and waits, so SIGTERM goes to its child, the postmaster (smart shutdown); runuser then
     * exits with it. SIGKILL for both after 30 s.
     */
    private static void stopProcess(Process runuser) throws InterruptedException {
        List<ProcessHandle> children = runuser.children().toList();
        List<ProcessHandle> all = runuser.descendants().toList();
        if (children.isEmpty()) {
            runuser.destroy();
        } else {
            children.forEach(ProcessHandle::destroy);
        }
        if (!runuser.waitFor(30, TimeUnit.SECONDS)) {
            all.forEach(ProcessHandle::destroyForcibly);
            runuser.destroyForcibly().waitFor();
        }
        for (ProcessHandle h : all) {
            if (h.isAlive()) {
                h.destroyForcibly();
            }
        }
    }

    private static void chownToPostgres(Path p) throws IOException {
        UserPrincipalLookupService lookup = p.getFileSystem().getUserPrincipalLookupService();
        UserPrincipal user = lookup.lookupPrincipalByName(USER);
        GroupPrincipal group = lookup.lookupPrincipalByGroupName(USER);
        PosixFileAttributeView view = Files.getFileAttributeView(p, PosixFileAttributeView.class);
        view.setOwner(user);
        view.setGroup(group);
    }
}
