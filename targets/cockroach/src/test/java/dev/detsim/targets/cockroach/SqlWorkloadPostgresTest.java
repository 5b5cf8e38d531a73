package dev.detsim.targets.cockroach;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The SQL path for real: {@link SqlWorkload} against a PostgreSQL 15 server (same wire protocol as
 * CockroachDB) started by the test as the postgres user. It fails, rather than skips, when PostgreSQL 15 is
 * missing: CI installs {@code postgresql-15}.
 */
class SqlWorkloadPostgresTest {
    private static PostgresServer pg;

    @BeforeAll
    static void startServer() throws Exception {
        pg = PostgresServer.start();
    }

    @AfterAll
    static void stopServer() throws Exception {
        if (pg != null) {
            pg.close();
        }
    }

    private static SqlWorkload workload() {
        return new SqlWorkload(pg.jdbcUrl(), pg.properties());
    }

    private static boolean tableExists(String table) throws SQLException {
        try (Connection c = pg.connect();
                PreparedStatement ps = c.prepareStatement(
                        "SELECT count(*) FROM information_schema.tables WHERE table_name = ?")) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1) > 0;
            }
        }
    }

    @Test
    void basicWorkloadSucceedsStepByStep() throws Exception {
        SqlWorkload.Result r = workload().run();
        assertTrue(r.allOk(), r::summary);
        assertEquals(SqlWorkload.BASIC_STEPS, r.steps().stream().map(SqlWorkload.Step::name).toList(), r::summary);
        assertAll(r.steps().stream().map(s -> () -> {
            assertTrue(s.nanos() > 0, s::toString);
            assertEquals(null, s.sqlState(), s::toString);
            assertEquals(null, s.message(), s::toString);
        }));
        assertTrue(r.table().startsWith("detsim_wl_"), r.table());
        assertFalse(tableExists(r.table()), "the table is dropped at the end");
    }

    @Test
    void eachRunUsesAFreshTable() {
        SqlWorkload w = workload();
        SqlWorkload.Result a = w.run();
        SqlWorkload.Result b = w.run();
        assertTrue(a.allOk(), a::summary);
        assertTrue(b.allOk(), b::summary);
        assertNotEquals(a.table(), b.table());
    }

    @Test
    void forHostBuildsAWorkingUrl() {
        SqlWorkload w = SqlWorkload.forHost("127.0.0.1", pg.port(), PostgresServer.USER, "postgres");
        assertEquals("jdbc:postgresql://127.0.0.1:" + pg.port() + "/postgres?sslmode=disable", w.jdbcUrl());
        SqlWorkload.Result r = w.run();
        assertTrue(r.allOk(), r::summary);
    }

    @Test
    void latencyRepetitionsReturnEveryLatency() throws Exception {
        int n = 150; // more than the 100-key space: the upserts both insert and update
        SqlWorkload.LatencyResult r = workload().runLatency(n);
        assertTrue(r.allOk(), r::toString);
        assertEquals(SqlWorkload.LATENCY_STEPS, r.steps().stream().map(SqlWorkload.Step::name).toList());
        assertEquals(n, r.upsertNanos().length);
        assertEquals(n, r.pointSelectNanos().length);
        assertTrue(Arrays.stream(r.upsertNanos()).allMatch(t -> t > 0), "upsert latencies are positive");
        assertTrue(Arrays.stream(r.pointSelectNanos()).allMatch(t -> t > 0), "select latencies are positive");
        assertFalse(tableExists(r.table()));
    }

    @Test
    void aCollidingTableMakesStepsFailWithoutThrowing() throws Exception {
        // An existing table with the same name but without column v: CREATE TABLE IF NOT EXISTS keeps it,
        // and every statement that uses v fails with undefined_column (42703).
        String table = SqlWorkload.freshTableName();
        try (Connection c = pg.connect(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE " + table + " (k INT8 PRIMARY KEY)");
        }
        SqlWorkload.Result r = workload().run(table);
        assertFalse(r.allOk());
        assertEquals(SqlWorkload.BASIC_STEPS, r.steps().stream().map(SqlWorkload.Step::name).toList(), r::summary);
        assertTrue(r.step(SqlWorkload.CONNECT).orElseThrow().ok(), r::summary);
        assertTrue(r.step(SqlWorkload.CREATE_TABLE).orElseThrow().ok(), r::summary);
        SqlWorkload.Step insert = r.step(SqlWorkload.INSERT_BATCH).orElseThrow();
        assertFalse(insert.ok(), r::summary);
        assertNotNull(insert.message(), r::summary);
        assertEquals("42703", insert.sqlState(), r::summary);
        assertTrue(insert.toString().contains("FAILED [42703]"), insert::toString);
        assertFalse(r.step(SqlWorkload.SELECT_ALL).orElseThrow().ok(), r::summary);
        assertTrue(r.step(SqlWorkload.DROP_TABLE).orElseThrow().ok(), "the table is still dropped: " + r.summary());
        assertFalse(tableExists(table));
    }

    @Test
    void aFailedCheckIsAFailedStepWithAMessage() throws Exception {
        // The table already holds a row the workload did not write: every statement succeeds, but the
        // read-back comparisons do not hold. (CREATE TABLE IF NOT EXISTS keeps the existing table.)
        String table = SqlWorkload.freshTableName();
        try (Connection c = pg.connect(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE " + table + " (k INT8 PRIMARY KEY, v TEXT NOT NULL)");
            st.execute("INSERT INTO " + table + " VALUES (42, 'intruder')");
        }
        SqlWorkload.Result r = workload().run(table);
        assertTrue(r.step(SqlWorkload.INSERT_BATCH).orElseThrow().ok(), r::summary);
        SqlWorkload.Step select = r.step(SqlWorkload.SELECT_ALL).orElseThrow();
        assertFalse(select.ok(), r::summary);
        assertEquals(null, select.sqlState(), "a check, not a statement, failed");
        assertTrue(select.message().contains("after the insert: read back"), select::toString);
        assertTrue(select.message().contains("intruder"), select::toString);
        assertTrue(r.step(SqlWorkload.DROP_TABLE).orElseThrow().ok(), r::summary);
    }

    @Test
    void aReadOnlySessionFailsTheWritesWithoutThrowing() {
        Properties p = pg.properties();
        p.setProperty("options", "-c default_transaction_read_only=on");
        SqlWorkload.Result r = new SqlWorkload(pg.jdbcUrl(), p).run();
        assertTrue(r.step(SqlWorkload.CONNECT).orElseThrow().ok(), r::summary);
        SqlWorkload.Step create = r.step(SqlWorkload.CREATE_TABLE).orElseThrow();
        assertFalse(create.ok(), r::summary);
        assertEquals("25006", create.sqlState(), r::summary); // read_only_sql_transaction
        assertEquals(SqlWorkload.BASIC_STEPS.size(), r.steps().size(), r::summary);
        assertEquals(SqlWorkload.BASIC_STEPS.size() - 1, r.failures().size(), r::summary);
    }

    @Test
    void anUnreachableServerIsAFailedConnectStep() throws Exception {
        int port = CockroachNode.freeLoopbackPorts(1)[0];
        SqlWorkload w = SqlWorkload.forHost("127.0.0.1", port, "root", "defaultdb");
        SqlWorkload.Result r = w.run();
        assertEquals(1, r.steps().size(), r::summary);
        SqlWorkload.Step connect = r.steps().getFirst();
        assertEquals(SqlWorkload.CONNECT, connect.name());
        assertFalse(connect.ok());
        assertEquals("08001", connect.sqlState(), r::summary); // connection refused
        SqlWorkload.LatencyResult l = w.runLatency(10);
        assertFalse(l.allOk());
        assertEquals(0, l.upsertNanos().length);
        assertEquals(0, l.pointSelectNanos().length);
    }
}
