package dev.detsim.targets.cockroach;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * A basic SQL workload over JDBC (PostgreSQL driver, pgwire), in SQL that both CockroachDB and PostgreSQL
 * accept ({@code INT8}, {@code TEXT}, {@code INSERT ... ON CONFLICT (k) DO UPDATE SET v = excluded.v}).
 *
 * <p>{@link #run()} creates a freshly named table, inserts rows with a prepared-statement batch, reads them
 * back and compares, updates and compares, runs a transaction that commits (checked visible afterwards from a
 * second connection) and one that rolls back (checked not visible afterwards), and drops the table. Every
 * step is reported as a {@link Step}: a failed SQL statement or a failed check is a failed step carrying the
 * SQLState (if any) and a message; no exception escapes. Steps after a failure still run (each stands on its
 * own as far as it can), and the table is always dropped at the end.
 *
 * <p>{@link #runLatency(int)} times {@code n} single-row upserts and {@code n} point selects and returns every
 * latency, for histograms.
 *
 * <p><b>Clock.</b> Every latency is {@link System#nanoTime()} around the operation in <em>this</em> JVM — the
 * real (monotonic) clock of the process running the workload, outside the sandbox — not the sandbox's
 * virtual clock. It includes the round trip over loopback and the driver's work; a step's latency includes
 * its checks.
 */
public final class SqlWorkload {

    /** Step names of {@link #run()}, in order. */
    public static final String CONNECT = "connect";
    public static final String CREATE_TABLE = "create table";
    public static final String INSERT_BATCH = "insert batch";
    public static final String SELECT_ALL = "select and compare";
    public static final String UPDATE = "update and compare";
    public static final String TXN_COMMIT = "transaction commit";
    public static final String TXN_ROLLBACK = "transaction rollback";
    public static final String DROP_TABLE = "drop table";
    public static final List<String> BASIC_STEPS =
            List.of(CONNECT, CREATE_TABLE, INSERT_BATCH, SELECT_ALL, UPDATE, TXN_COMMIT, TXN_ROLLBACK, DROP_TABLE);

    /** Step names of {@link #runLatency(int)}, in order. */
    public static final String UPSERTS = "upserts";
    public static final String POINT_SELECTS = "point selects";
    public static final List<String> LATENCY_STEPS = List.of(CONNECT, CREATE_TABLE, UPSERTS, POINT_SELECTS, DROP_TABLE);

    /** The rows {@link #run()} inserts: plain, with a quote, and non-ASCII text. */
    static final Map<Long, String> ROWS = Map.of(
            1L, "one",
            2L, "two",
            3L, "it's three",
            4L, "vier \u00fc\u00df",
            5L, "\u4e94 \u2713");

    private static final Pattern IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

    private final String jdbcUrl;
    private final Properties properties;

    /** A workload against {@code jdbcUrl} with default connection properties. */
    public SqlWorkload(String jdbcUrl) {
        this(jdbcUrl, new Properties());
    }

    /**
     * A workload against {@code jdbcUrl}; {@code properties} (user, password, ...) are passed to the driver.
     * Unless given, {@code connectTimeout} is 10 s, {@code socketTimeout} 120 s (a hung server fails a step
     * rather than hanging the run) and {@code ApplicationName} is {@code detsim-sqlworkload}.
     */
    public SqlWorkload(String jdbcUrl, Properties properties) {
        this.jdbcUrl = Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        Properties p = new Properties();
        p.setProperty("connectTimeout", "10");
        p.setProperty("socketTimeout", "120");
        p.setProperty("ApplicationName", "detsim-sqlworkload");
        p.putAll(Objects.requireNonNull(properties, "properties"));
        this.properties = p;
    }

    /** A workload against {@code host:port/database} as {@code user}, without TLS (insecure mode). */
    public static SqlWorkload forHost(String host, int port, String user, String database) {
        String h = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
        Properties p = new Properties();
        p.setProperty("user", user);
        return new SqlWorkload("jdbc:postgresql://" + h + ":" + port + "/" + database + "?sslmode=disable", p);
    }

    public String jdbcUrl() {
        return jdbcUrl;
    }

    /** A fresh table name: {@code detsim_wl_} and 12 random hex digits. */
    public static String freshTableName() {
        return "detsim_wl_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    }

    // ---- results -----------------------------------------------------------------------------------------

    /**
     * One step.
     *
     * @param name     the step name
     * @param ok       true if every statement succeeded and every check held
     * @param sqlState the SQLState of the failing statement, or null (success, or a failed check)
     * @param message  null if ok; else the driver's message or what the check found
     * @param nanos    the step's latency, {@link System#nanoTime()} of this JVM (real clock, not virtual)
     */
    public record Step(String name, boolean ok, String sqlState, String message, long nanos) {
        static Step ok(String name, long nanos) {
            return new Step(name, true, null, null, nanos);
        }

        @Override
        public String toString() {
            return name + ": " + (ok ? "ok" : "FAILED" + (sqlState != null ? " [" + sqlState + "]" : "") + " " + message)
                    + " (" + nanos / 1000 + " us)";
        }
    }

    /** What both workloads report: their steps, and whether each went well. */
    public interface Outcome {
        List<Step> steps();

        default boolean allOk() {
            return steps().stream().allMatch(Step::ok);
        }

        default List<Step> failures() {
            return steps().stream().filter(s -> !s.ok()).toList();
        }

        default Optional<Step> step(String name) {
            return steps().stream().filter(s -> s.name().equals(name)).findFirst();
        }
    }

    /** The outcome of {@link #run()}. */
    public record Result(String table, List<Step> steps) implements Outcome {
        public Result {
            steps = List.copyOf(steps);
        }

        /** One line per step. */
        public String summary() {
            StringBuilder sb = new StringBuilder("table ").append(table);
            for (Step s : steps) {
                sb.append("\n  ").append(s);
            }
            return sb.toString();
        }
    }

    /**
     * The outcome of {@link #runLatency(int)}. The arrays hold one latency per completed operation (shorter
     * than {@code requested} if a step failed part-way), in nanoseconds of this JVM's real clock.
     */
    public record LatencyResult(String table, int requested, long[] upsertNanos, long[] pointSelectNanos,
            List<Step> steps) implements Outcome {
        public LatencyResult {
            steps = List.copyOf(steps);
        }

        @Override
        public String toString() {
            return "LatencyResult[table " + table + ", requested " + requested + ", upserts " + upsertNanos.length
                    + ", point selects " + pointSelectNanos.length + ", steps " + steps + "]";
        }
    }

    // ---- the basic workload ------------------------------------------------------------------------------

    /** Runs the basic workload on a freshly named table. */
    public Result run() {
        return run(freshTableName());
    }

    /**
     * Runs the basic workload on {@code table} ({@code CREATE TABLE IF NOT EXISTS}: an existing table of that
     * name is used as it is, and dropped at the end).
     */
    public Result run(String table) {
        checkIdentifier(table);
        List<Step> steps = new ArrayList<>();
        Connection[] conns = new Connection[2]; // [0] the workload's, [1] a second one for visibility checks
        steps.add(timed(CONNECT, () -> {
            conns[0] = connect();
            conns[1] = connect();
        }));
        if (conns[0] == null || conns[1] == null) {
            closeQuietly(conns);
            return new Result(table, steps);
        }
        Connection c = conns[0];
        Connection other = conns[1];
        TreeMap<Long, String> expected = new TreeMap<>();
        try {
            steps.add(timed(CREATE_TABLE, () -> {
                try (Statement st = c.createStatement()) {
                    st.execute("CREATE TABLE IF NOT EXISTS " + table + " (k INT8 PRIMARY KEY, v TEXT NOT NULL)");
                }
            }));
            steps.add(timed(INSERT_BATCH, () -> {
                TreeMap<Long, String> rows = new TreeMap<>(ROWS);
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + table + " (k, v) VALUES (?, ?)")) {
                    for (Map.Entry<Long, String> e : rows.entrySet()) {
                        ps.setLong(1, e.getKey());
                        ps.setString(2, e.getValue());
                        ps.addBatch();
                    }
                    int[] counts = ps.executeBatch();
                    if (counts.length != rows.size()) {
                        throw new CheckFailed("batch returned " + counts.length + " counts for " + rows.size() + " rows");
                    }
                    for (int n : counts) {
                        if (n != 1 && n != Statement.SUCCESS_NO_INFO) {
                            throw new CheckFailed("batch update counts " + Arrays.toString(counts) + ", expected all 1");
                        }
                    }
                }
                expected.putAll(rows);
            }));
            steps.add(timed(SELECT_ALL, () -> expectTable(c, table, expected, "after the insert")));
            steps.add(timed(UPDATE, () -> {
                try (PreparedStatement ps = c.prepareStatement("UPDATE " + table + " SET v = v || ? WHERE k <= ?")) {
                    ps.setString(1, " updated");
                    ps.setLong(2, 2);
                    int n = ps.executeUpdate();
                    expected.computeIfPresent(1L, (k, v) -> v + " updated");
                    expected.computeIfPresent(2L, (k, v) -> v + " updated");
                    if (n != 2) {
                        throw new CheckFailed("UPDATE ... WHERE k <= 2 changed " + n + " rows, expected 2");
                    }
                }
                expectTable(c, table, expected, "after the update");
            }));
            steps.add(timed(TXN_COMMIT, () -> {
                inTransaction(c, () -> {
                    insert(c, table, 100, "committed");
                    updateOne(c, table, 3, "changed in a committed transaction");
                    c.commit();
                });
                expected.put(100L, "committed");
                expected.put(3L, "changed in a committed transaction");
                expectTable(other, table, expected, "after COMMIT, seen from a second connection");
            }));
            steps.add(timed(TXN_ROLLBACK, () -> {
                inTransaction(c, () -> {
                    insert(c, table, 200, "rolled back");
                    updateOne(c, table, 4, "changed in a rolled-back transaction");
                    String own = valueOf(c, table, 200);
                    if (!"rolled back".equals(own)) {
                        throw new CheckFailed("inside the transaction its own insert reads back as " + quote(own));
                    }
                    c.rollback();
                });
                expectTable(other, table, expected, "after ROLLBACK, seen from a second connection");
                expectTable(c, table, expected, "after ROLLBACK, seen from the same connection");
            }));
        } finally {
            steps.add(timed(DROP_TABLE, () -> {
                try (Statement st = c.createStatement()) {
                    st.execute("DROP TABLE " + table);
                }
            }));
            closeQuietly(conns);
        }
        return new Result(table, steps);
    }

    // ---- latency repetitions -----------------------------------------------------------------------------

    /** {@code n} upserts then {@code n} point selects on a freshly named table. */
    public LatencyResult runLatency(int n) {
        return runLatency(freshTableName(), n);
    }

    /**
     * Creates {@code table}, runs {@code n} single-row {@code INSERT ... ON CONFLICT (k) DO UPDATE} over a key
     * space of {@code min(n, 100)} keys (the first pass inserts, later ones update), then {@code n} point
     * selects over the same keys, each checked against the last value written; drops the table. A failing
     * operation ends its step (the step fails and its array holds the operations completed before it).
     */
    public LatencyResult runLatency(String table, int n) {
        checkIdentifier(table);
        if (n < 0) {
            throw new IllegalArgumentException("n < 0: " + n);
        }
        int keys = Math.max(1, Math.min(n, 100));
        List<Step> steps = new ArrayList<>();
        Connection[] conns = new Connection[1];
        steps.add(timed(CONNECT, () -> conns[0] = connect()));
        if (conns[0] == null) {
            return new LatencyResult(table, n, new long[0], new long[0], steps);
        }
        Connection c = conns[0];
        long[] upserts = new long[n];
        long[] selects = new long[n];
        int[] done = new int[2];
        String[] last = new String[keys];
        try {
            steps.add(timed(CREATE_TABLE, () -> {
                try (Statement st = c.createStatement()) {
                    st.execute("CREATE TABLE IF NOT EXISTS " + table + " (k INT8 PRIMARY KEY, v TEXT NOT NULL)");
                }
            }));
            steps.add(timed(UPSERTS, () -> {
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + table
                        + " (k, v) VALUES (?, ?) ON CONFLICT (k) DO UPDATE SET v = excluded.v")) {
                    for (int i = 0; i < n; i++) {
                        int k = i % keys;
                        String v = "value " + i;
                        ps.setLong(1, k);
                        ps.setString(2, v);
                        long t0 = System.nanoTime();
                        int count = ps.executeUpdate();
                        upserts[i] = System.nanoTime() - t0;
                        done[0] = i + 1;
                        last[k] = v;
                        if (count != 1) {
                            throw new CheckFailed("upsert " + i + " (k=" + k + ") reported " + count + " rows, expected 1");
                        }
                    }
                }
            }));
            steps.add(timed(POINT_SELECTS, () -> {
                try (PreparedStatement ps = c.prepareStatement("SELECT v FROM " + table + " WHERE k = ?")) {
                    for (int i = 0; i < n; i++) {
                        int k = i % keys;
                        ps.setLong(1, k);
                        long t0 = System.nanoTime();
                        String got;
                        int rows = 0;
                        try (ResultSet rs = ps.executeQuery()) {
                            got = null;
                            while (rs.next()) {
                                got = rs.getString(1);
                                rows++;
                            }
                        }
                        selects[i] = System.nanoTime() - t0;
                        done[1] = i + 1;
                        if (rows != 1 || !Objects.equals(got, last[k])) {
                            throw new CheckFailed("point select " + i + " (k=" + k + ") read " + rows + " row(s), value "
                                    + quote(got) + ", expected " + quote(last[k]));
                        }
                    }
                }
            }));
        } finally {
            steps.add(timed(DROP_TABLE, () -> {
                try (Statement st = c.createStatement()) {
                    st.execute("DROP TABLE " + table);
                }
            }));
            closeQuietly(conns);
        }
        return new LatencyResult(table, n, Arrays.copyOf(upserts, done[0]), Arrays.copyOf(selects, done[1]), steps);
    }

    // ---- helpers -----------------------------------------------------------------------------------------

    private Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl, properties);
    }

    @FunctionalInterface
    private interface Body {
        void run() throws SQLException, CheckFailed;
    }

    /** A failed check (not a failed statement). */
    static final class CheckFailed extends Exception {
        private static final long serialVersionUID = 1L;

        CheckFailed(String message) {
            super(message, null, false, false);
        }
    }

    /** Runs {@code body} as one step; whatever it throws becomes a failed step. */
    static Step timed(String name, Body body) {
        long t0 = System.nanoTime();
        try {
            body.run();
            return Step.ok(name, System.nanoTime() - t0);
        } catch (SQLException e) {
            return new Step(name, false, e.getSQLState(), describe(e), System.nanoTime() - t0);
        } catch (CheckFailed e) {
            return new Step(name, false, null, e.getMessage(), System.nanoTime() - t0);
        } catch (RuntimeException | Error e) {
            if (e instanceof VirtualMachineError vme && !(e instanceof StackOverflowError)) {
                throw vme;
            }
            return new Step(name, false, null, "unexpected " + e, System.nanoTime() - t0);
        }
    }

    private static String describe(SQLException e) {
        String m = String.valueOf(e.getMessage());
        SQLException next = e.getNextException();
        if (next != null && next != e && next.getMessage() != null && !m.contains(next.getMessage())) {
            m += " (next: " + next.getMessage() + ")";
        }
        return m;
    }

    /** Runs {@code body} with auto-commit off; on any failure rolls back; always restores auto-commit. */
    private static void inTransaction(Connection c, Body body) throws SQLException, CheckFailed {
        c.setAutoCommit(false);
        boolean finished = false;
        try {
            body.run();
            finished = true;
        } finally {
            if (!finished) {
                try {
                    c.rollback();
                } catch (SQLException ignored) {
                    // the original failure is what matters
                }
            }
            try {
                c.setAutoCommit(true);
            } catch (SQLException e) {
                if (finished) {
                    throw e;
                }
            }
        }
    }

    private static void insert(Connection c, String table, long k, String v) throws SQLException, CheckFailed {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + table + " (k, v) VALUES (?, ?)")) {
            ps.setLong(1, k);
            ps.setString(2, v);
            int n = ps.executeUpdate();
            if (n != 1) {
                throw new CheckFailed("INSERT of k=" + k + " changed " + n + " rows, expected 1");
            }
        }
    }

    private static void updateOne(Connection c, String table, long k, String v) throws SQLException, CheckFailed {
        try (PreparedStatement ps = c.prepareStatement("UPDATE " + table + " SET v = ? WHERE k = ?")) {
            ps.setString(1, v);
            ps.setLong(2, k);
            int n = ps.executeUpdate();
            if (n != 1) {
                throw new CheckFailed("UPDATE of k=" + k + " changed " + n + " rows, expected 1");
            }
        }
    }

    private static String valueOf(Connection c, String table, long k) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT v FROM " + table + " WHERE k = ?")) {
            ps.setLong(1, k);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    static TreeMap<Long, String> readAll(Connection c, String table) throws SQLException {
        TreeMap<Long, String> rows = new TreeMap<>();
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT k, v FROM " + table + " ORDER BY k")) {
            while (rs.next()) {
                rows.put(rs.getLong(1), rs.getString(2));
            }
        }
        return rows;
    }

    private static void expectTable(Connection c, String table, Map<Long, String> expected, String when)
            throws SQLException, CheckFailed {
        TreeMap<Long, String> actual = readAll(c, table);
        if (!actual.equals(expected)) {
            throw new CheckFailed(when + ": read back " + actual + ", expected " + new TreeMap<>(expected));
        }
    }

    private static String quote(String s) {
        return s == null ? "null" : "'" + s + "'";
    }

    private static void checkIdentifier(String table) {
        if (table == null || !IDENTIFIER.matcher(table).matches()) {
            throw new IllegalArgumentException("table name must match " + IDENTIFIER + ": " + table);
        }
    }

    private static void closeQuietly(Connection[] conns) {
        for (Connection c : conns) {
            if (c != null) {
                try {
                    c.close();
                } catch (SQLException ignored) {
                    // nothing to do
                }
            }
        }
    }
}
