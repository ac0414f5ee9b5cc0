package io.fluxdb.server.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Temporary tables in a cluster: a session's temporary tables live in the engine connection that runs its writes (the
 * leader's), statements on them run there without being replicated, and a replicated statement that reads one is
 * refused; nothing done through a temporary table reaches another table unreplicated. Every node ends with the same
 * real rows.
 */
@Timeout(300)
class TemporaryTablesIT {
    private static TestCluster cluster;
    private static int leader;
    private static int follower;

    @RegisterExtension
    static final SharedCluster nodes = SharedCluster.withAppAccount(
            "CREATE DATABASE IF NOT EXISTS app",
            "CREATE FUNCTION app.writes(x INT) RETURNS INT MODIFIES SQL DATA"
                    + " BEGIN INSERT INTO app.real_rows (id, v) VALUES (x, -x); RETURN x; END",
            "CREATE FUNCTION app.writes_zero(x INT) RETURNS INT MODIFIES SQL DATA"
                    + " BEGIN INSERT INTO app.real_rows (id, v) VALUES (x, 0); RETURN 0; END",
            "CREATE PROCEDURE app.drop_shadow() DROP TEMPORARY TABLE IF EXISTS shadow",
            "CREATE TABLE app.shadow (id INT PRIMARY KEY)",
            "INSERT INTO app.shadow VALUES (1), (2)");

    @BeforeAll
    static void roles() {
        cluster = nodes.cluster();
        leader = nodes.leader();
        follower = nodes.follower();
    }

    @BeforeEach
    void table() throws Exception {
        try (Connection c = cluster.connectRoot(leader); Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS app.real_rows");
            s.execute("CREATE TABLE app.real_rows (id INT PRIMARY KEY, v INT)");
        }
        cluster.awaitConverged();
    }

    @Test
    void onTheLeaderTheyAreMadeUsedAndDroppedWithoutReachingTheLog() throws Exception {
        try (Connection c = app(leader); Statement s = c.createStatement()) {
            s.execute("CREATE TEMPORARY TABLE tmp (id INT PRIMARY KEY, v INT)");
            assertThat(s.executeUpdate("INSERT INTO tmp VALUES (1, 10), (2, 20)")).isEqualTo(2);
            assertThat(s.executeUpdate("UPDATE tmp SET v = v + 1 WHERE id = 1")).isEqualTo(1);
            assertThat(s.executeUpdate("DELETE FROM tmp WHERE id = 2")).isEqualTo(1);
            assertThat(value(s, "SELECT SUM(v) FROM tmp")).isEqualTo(11);
            // a real write with the values read from it replicates as usual
            assertThat(s.executeUpdate("INSERT INTO real_rows VALUES (1, 11)")).isEqualTo(1);
            assertThat(value(s, "SELECT COUNT(*) FROM tmp JOIN real_rows USING (id)")).isEqualTo(1);
            s.execute("CREATE TEMPORARY TABLE counted AS SELECT COUNT(*) AS n FROM real_rows");
            assertThat(value(s, "SELECT n FROM counted")).isEqualTo(1);
            s.execute("TRUNCATE TABLE counted");
            assertThat(value(s, "SELECT COUNT(*) FROM counted")).isZero();
            s.execute("DROP TEMPORARY TABLE counted");
            s.execute("DROP TABLE tmp");
            assertThatThrownBy(() -> s.executeQuery("SELECT * FROM tmp")).isInstanceOf(SQLException.class)
                    .satisfies(e -> assertThat(((SQLException) e).getErrorCode()).isEqualTo(1146));
        }
        cluster.assertSameEverywhere("SELECT CONCAT(id, ':', v) FROM app.real_rows", List.of("1:11"));
        assertNoTemporaryTableWasReplicated();
    }

    @Test
    void aReplicatedWriteThatReadsOneIsRefusedAndChangesNothing() throws Exception {
        try (Connection c = app(leader); Statement s = c.createStatement()) {
            s.execute("CREATE TEMPORARY TABLE tmp (id INT PRIMARY KEY, v INT)");
            s.executeUpdate("INSERT INTO tmp VALUES (3, 30)");
            assertThatThrownBy(() -> s.executeUpdate("INSERT INTO real_rows SELECT * FROM tmp"))
                    .isInstanceOf(SQLException.class)
                    .satisfies(e -> assertThat(((SQLException) e).getErrorCode()).isEqualTo(1235))
                    .hasMessageContaining("names the temporary table app.tmp");
            assertThatThrownBy(() -> s.executeUpdate("UPDATE real_rows r JOIN tmp t USING (id) SET r.v = t.v"))
                    .isInstanceOf(SQLException.class);
            assertThatThrownBy(() -> s.execute("CREATE TABLE copied AS SELECT * FROM tmp"))
                    .isInstanceOf(SQLException.class);
            // once it is dropped, the name is free again
            s.execute("DROP TEMPORARY TABLE tmp");
            s.execute("CREATE TABLE tmp (id INT PRIMARY KEY)");
            assertThat(s.executeUpdate("INSERT INTO tmp VALUES (4)")).isEqualTo(1);
            s.execute("DROP TABLE tmp");
        }
        cluster.assertSameEverywhere("SELECT COUNT(*) FROM app.real_rows", List.of("0"));
        cluster.assertSameEverywhere("SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'app'"
                + " AND TABLE_NAME IN ('copied', 'tmp')", List.of("0"));
    }

    @Test
    void aSessionOnAFollowerKeepsThemOnTheLeader() throws Exception {
        try (Connection c = app(follower); Statement s = c.createStatement()) {
            s.execute("CREATE TEMPORARY TABLE tmp (id INT PRIMARY KEY, v INT)");
            s.executeUpdate("INSERT INTO tmp VALUES (5, 50), (6, 60)");
            assertThat(value(s, "SELECT SUM(v) FROM tmp")).isEqualTo(110);
            assertThat(s.executeUpdate("INSERT INTO real_rows VALUES (5, 50)")).isEqualTo(1);
            assertThat(value(s, "SELECT COUNT(*) FROM real_rows JOIN tmp USING (id)")).isEqualTo(1);
            assertThatThrownBy(() -> s.executeUpdate("INSERT INTO real_rows SELECT * FROM tmp WHERE id = 6"))
                    .isInstanceOf(SQLException.class)
                    .satisfies(e -> assertThat(((SQLException) e).getErrorCode()).isEqualTo(1235));
        }
        cluster.assertSameEverywhere("SELECT CONCAT(id, ':', v) FROM app.real_rows", List.of("5:50"));
        assertNoTemporaryTableWasReplicated();
    }

    @Test
    void insideTransactionsTheyCommitAndRollBackWithTheRest() throws Exception {
        try (Connection c = app(leader); Statement s = c.createStatement()) {
            s.execute("CREATE TEMPORARY TABLE tmp (id INT PRIMARY KEY, v INT)");
            s.execute("BEGIN");
            s.executeUpdate("INSERT INTO tmp VALUES (7, 70)");
            s.executeUpdate("INSERT INTO real_rows VALUES (7, 70)");
            s.execute("COMMIT");
            s.execute("BEGIN");
            s.executeUpdate("INSERT INTO tmp VALUES (8, 80)");
            s.executeUpdate("INSERT INTO real_rows VALUES (8, 80)");
            s.execute("ROLLBACK");
            c.setAutoCommit(false);
            s.executeUpdate("INSERT INTO tmp VALUES (9, 90)");
            s.executeUpdate("UPDATE real_rows SET v = v + 1");
            c.commit();
            c.setAutoCommit(true);
            assertThat(value(s, "SELECT COUNT(*) FROM tmp")).as("7 and 9: 8 was rolled back").isEqualTo(2);
            assertThat(value(s, "SELECT SUM(id) FROM tmp")).isEqualTo(16);
        }
        cluster.assertSameEverywhere("SELECT CONCAT(id, ':', v) FROM app.real_rows", List.of("7:71"));
    }

    @Test
    void dropTableAndTruncateCommitTheTransactionFirstAsInMariaDb() throws Exception {
        try (Connection c = app(leader); Statement s = c.createStatement()) {
            s.execute("CREATE TEMPORARY TABLE tmp (id INT)");
            s.execute("CREATE TEMPORARY TABLE tmp2 (id INT)");
            s.execute("BEGIN");
            s.executeUpdate("INSERT INTO real_rows VALUES (20, 1)");
            s.execute("TRUNCATE TABLE tmp");
            s.execute("ROLLBACK");
            s.execute("BEGIN");
            s.executeUpdate("INSERT INTO real_rows VALUES (21, 1)");
            s.execute("DROP TABLE tmp");
            s.execute("ROLLBACK");
            // DROP TEMPORARY TABLE does not commit
            s.execute("BEGIN");
            s.executeUpdate("INSERT INTO real_rows VALUES (22, 1)");
            s.execute("DROP TEMPORARY TABLE tmp2");
            s.execute("ROLLBACK");
        }
        cluster.assertSameEverywhere("SELECT id FROM app.real_rows ORDER BY id", List.of("20", "21"));
    }

    @Test
    void aServerPreparedStatementOnOneRunsOnTheSessionsEngine() throws Exception {
        try (Connection c = cluster.connectWithOptions(leader, SharedCluster.APP_USER, SharedCluster.APP_PASSWORD,
                "useServerPrepStmts=true"); Statement s = c.createStatement()) {
            s.execute("CREATE TEMPORARY TABLE tmp (id INT PRIMARY KEY, v INT)");
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO tmp VALUES (?, ?)")) {
                for (int i = 1; i <= 3; i++) {
                    insert.setInt(1, i);
                    insert.setInt(2, i * 100);
                    assertThat(insert.executeUpdate()).isEqualTo(1);
                }
            }
            try (PreparedStatement copy = c.prepareStatement("INSERT INTO real_rows SELECT * FROM tmp WHERE id = ?")) {
                copy.setInt(1, 1);
                assertThatThrownBy(copy::executeUpdate).isInstanceOf(SQLException.class)
                        .satisfies(e -> assertThat(((SQLException) e).getErrorCode()).isEqualTo(1235));
            }
            assertThat(value(s, "SELECT SUM(v) FROM tmp")).isEqualTo(600);
        }
        cluster.assertSameEverywhere("SELECT COUNT(*) FROM app.real_rows", List.of("0"));
    }

    @Test
    void aFunctionThatWritesCannotHideInAStatementOnOne() throws Exception {
        try (Connection c = app(leader); Statement s = c.createStatement()) {
            s.execute("CREATE TEMPORARY TABLE tmp (id INT, v INT)");
            assertThatThrownBy(() -> s.executeUpdate("INSERT INTO tmp VALUES (11, writes(11))"))
                    .isInstanceOf(SQLException.class)
                    .satisfies(e -> assertThat(((SQLException) e).getErrorCode()).isEqualTo(1592))
                    .hasMessageContaining("would also change other tables");
            assertThatThrownBy(() -> s.execute("CREATE TEMPORARY TABLE made AS SELECT writes(12) AS x"))
                    .isInstanceOf(SQLException.class)
                    .satisfies(e -> assertThat(((SQLException) e).getErrorCode()).isEqualTo(1592));
            assertThatThrownBy(() -> s.executeQuery("SELECT * FROM made")).isInstanceOf(SQLException.class)
                    .satisfies(e -> assertThat(((SQLException) e).getErrorCode()).isEqualTo(1146));
            s.execute("BEGIN");
            s.executeUpdate("INSERT INTO tmp VALUES (13, writes(13))");
            assertThatThrownBy(() -> s.execute("COMMIT")).isInstanceOf(SQLException.class)
                    .satisfies(e -> assertThat(((SQLException) e).getErrorCode()).isEqualTo(1592));
            assertThat(value(s, "SELECT COUNT(*) FROM tmp")).isZero();
        }
        cluster.assertSameEverywhere("SELECT COUNT(*) FROM app.real_rows", List.of("0"));
    }

    @Test
    void anUpdateThatChangesNoRowCannotHideAWriteForAClientCountingMatchedRows() throws Exception {
        // Connector/J counts matched rows (CLIENT_FOUND_ROWS): the UPDATE says 1, the engine changed none
        try (Connection c = app(leader); Statement s = c.createStatement()) {
            s.execute("CREATE TEMPORARY TABLE tmp (id INT PRIMARY KEY, v INT)");
            s.executeUpdate("INSERT INTO tmp VALUES (1, 5)");
            s.execute("BEGIN");
            assertThat(s.executeUpdate("UPDATE tmp SET v = v + writes_zero(31)")).isEqualTo(1);
            assertThatThrownBy(() -> s.execute("COMMIT")).isInstanceOf(SQLException.class)
                    .satisfies(e -> assertThat(((SQLException) e).getErrorCode()).isEqualTo(1592));
            s.execute("BEGIN");
            assertThat(s.executeUpdate("UPDATE tmp SET v = v + 1")).isEqualTo(1);
            s.execute("COMMIT");
            assertThat(value(s, "SELECT v FROM tmp")).isEqualTo(6);
        }
        cluster.assertSameEverywhere("SELECT COUNT(*) FROM app.real_rows", List.of("0"));
    }

    @Test
    void aTemporaryTableARoutineDroppedIsNotMistakenForTheRealOne() throws Exception {
        try (Connection c = app(leader); Statement s = c.createStatement()) {
            s.execute("CREATE TEMPORARY TABLE shadow (id INT)");
            s.execute("CALL drop_shadow()");
            // the session's list still names it; the real app.shadow must not be dropped or emptied on one node
            assertThatThrownBy(() -> s.execute("DROP TABLE shadow")).isInstanceOf(SQLException.class)
                    .satisfies(e -> assertThat(((SQLException) e).getErrorCode()).isEqualTo(1051));
            assertThatThrownBy(() -> s.execute("TRUNCATE TABLE shadow")).isInstanceOf(SQLException.class)
                    .hasMessageContaining("no temporary table of this session");
            assertThat(value(s, "SELECT COUNT(*) FROM shadow")).isEqualTo(2);
        }
        cluster.assertSameEverywhere("SELECT id FROM app.shadow ORDER BY id", List.of("1", "2"));
    }

    /** No engine has a real table named like the temporary ones, and the logs carried none of their statements. */
    private static void assertNoTemporaryTableWasReplicated() throws SQLException {
        cluster.assertSameEverywhere("SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'app'"
                + " AND TABLE_NAME IN ('tmp', 'counted')", List.of("0"));
        for (int i = 0; i < cluster.size(); i++) {
            assertThat(cluster.checksums(i)).as("node " + i).isEqualTo(cluster.checksums(leader));
        }
    }

    private static Connection app(int node) throws SQLException {
        return cluster.connect(node, SharedCluster.APP_USER, SharedCluster.APP_PASSWORD);
    }

    private static long value(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            assertThat(rs.next()).isTrue();
            return rs.getLong(1);
        }
    }
}
